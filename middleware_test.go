package sessiond_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

func TestMiddleware_NoStoreOnAuthenticatedResponses_R46(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.app()}
	cases := []struct {
		name, method, target string
		want                 bool
	}{
		{"anonymous page", "GET", "/me", false},
		{"login sets a cookie", "POST", "/login?user=alice", true},
		{"authenticated page", "GET", "/me", true},
		{"logout clears the cookie", "POST", "/logout", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := b.do(c.method, c.target)
			got := res.Header.Get("Cache-Control") == "no-store" && strings.Contains(res.Header.Get("Vary"), "Cookie")
			if got != c.want {
				t.Errorf("Cache-Control %q, Vary %q; want no-store and Cookie: %v",
					res.Header.Get("Cache-Control"), res.Header.Get("Vary"), c.want)
			}
		})
	}
}

func TestMiddleware_InvalidTokensLookAlike_R49(t *testing.T) {
	e := newEnv(t, sessionConfig())
	h := e.app()
	_, expired := e.login(t, "alice")
	s, revoked := e.login(t, "bob")
	if err := s.Revoke(t.Context(), sessiond.ReasonLogout); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(sessiond.DefaultIdleTimeout)
	unknown := strings.Repeat("Q", len(revoked))
	var first string
	for name, tok := range map[string]string{"expired": expired, "revoked": revoked, "unknown": unknown} {
		res := do(h, "GET", "/me", tok)
		got := res.Status + "|" + res.Header.Get("Set-Cookie") + "|" + body(res)
		if first == "" {
			first = got
		} else if got != first {
			t.Errorf("%s token answered %q, others %q", name, got, first)
		}
		if _, _, err := e.m.Load(t.Context(), tok, sessiond.Client{}); !errors.Is(err, sessiond.ErrInvalidToken) {
			t.Errorf("%s: Load = %v, want ErrInvalidToken", name, err)
		}
	}
}

func TestMiddleware_TokenOnlyFromCookie_R9(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	h := e.app()
	cases := map[string]func(r *http.Request){
		"query":         func(r *http.Request) { r.URL.RawQuery = "session=" + tok + "&token=" + tok },
		"bearer (off)":  func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) },
		"custom header": func(r *http.Request) { r.Header.Set("X-Session-Token", tok) },
		"other cookie":  func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "session", Value: tok}) },
	}
	for name, place := range cases {
		t.Run(name, func(t *testing.T) {
			r := httptestRequest("GET", "/me")
			place(r)
			if res := serve(h, r); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("token in %s: status %d, want 401", name, res.StatusCode)
			}
		})
	}
}

func TestMiddleware_BearerWhenEnabled(t *testing.T) {
	e := newEnv(t, sessiond.Config{AcceptBearer: true})
	_, tok := e.login(t, "alice")
	e.clock.Advance(sessiond.DefaultRotateEvery)
	r := httptestRequest("GET", "/me")
	r.Header.Set("Authorization", "Bearer "+tok)
	res := serve(e.app(), r)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("bearer request = %d, want 200", res.StatusCode)
	}
	if c := res.Header.Get("Set-Cookie"); c != "" {
		t.Errorf("bearer request got Set-Cookie %q, want none", c)
	}
	if !e.valid(t, tok) {
		t.Errorf("bearer token rotated away under an API client")
	}
}

func TestMiddleware_CookieSetBeforeFirstByte(t *testing.T) {
	for _, bw := range bodyWrites {
		t.Run(bw.name, func(t *testing.T) {
			e := newEnv(t, sessionConfig())
			var lateErr error
			h := e.m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := e.m.Login(r.Context(), sessiond.LoginInfo{UserID: "alice"}); err != nil {
					t.Errorf("Login: %v", err)
				}
				s := sessiond.FromContext(r.Context())
				s.Set("k", "v")
				bw.write(w, "hello")
				http.NewResponseController(w).Flush()
				_, lateErr = s.Renew(r.Context())
			}))
			res := serve(h, httptestRequest("POST", "/"))
			c := sessionCookie(res)
			if c == nil {
				t.Fatalf("login before the first byte set no cookie")
			}
			if !errors.Is(lateErr, sessiond.ErrHeadersWritten) {
				t.Errorf("Renew after the body began = %v, want ErrHeadersWritten", lateErr)
			}
			s, _, err := e.m.Load(t.Context(), c.Value, sessiond.Client{})
			if err != nil {
				t.Fatalf("cookie token: %v", err)
			}
			if v, _ := sessiond.Get[string](s, "k"); v != "v" {
				t.Errorf("data set before the first byte = %q, want v", v)
			}
		})
	}
}

func TestMiddleware_StoreFailureFailsClosed(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	broken := &failingStore{Store: e.store}
	m, err := sessiond.New(broken, sessiond.Config{Now: e.clock.Now, Auditor: e.audit})
	if err != nil {
		t.Fatal(err)
	}
	e.m = m
	h := e.app()
	broken.fail.Store(true)
	res := do(h, "GET", "/me", tok)
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("store down: status %d, want 503", res.StatusCode)
	}
	if b := body(res); strings.Contains(b, "alice") || strings.Contains(b, "store") {
		t.Errorf("store down: body %q says too much", b)
	}
	if _, _, err := m.Load(t.Context(), tok, sessiond.Client{}); !errors.Is(err, errDown) {
		t.Errorf("Load with the store down = %v, want it to wrap the store's error", err)
	}
	broken.fail.Store(false)
	if res := do(h, "GET", "/me", tok); res.StatusCode != http.StatusOK {
		t.Errorf("store back: status %d, want 200", res.StatusCode)
	}
}

// bodyWrites are the ways a handler writes its body: each must commit the
// session before the first byte.
var bodyWrites = []struct {
	name  string
	write func(http.ResponseWriter, string)
}{
	{"Write", func(w http.ResponseWriter, s string) { w.Write([]byte(s)) }},
	{"WriteString", func(w http.ResponseWriter, s string) { io.WriteString(w, s) }},
}

func TestMiddleware_CommitFailureFailsClosed(t *testing.T) {
	for _, bw := range bodyWrites {
		t.Run(bw.name, func(t *testing.T) {
			e := newEnv(t, sessionConfig())
			_, tok := e.login(t, "alice")
			broken := &failingStore{Store: e.store}
			m, _ := sessiond.New(broken, sessiond.Config{Now: e.clock.Now, Auditor: e.audit})
			e.m = m
			h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sessiond.FromContext(r.Context()).Set("k", "v")
				broken.fail.Store(true)
				w.Header().Set("X-Secret", "handler header")
				bw.write(w, "the handler's page")
			}))
			res := do(h, "POST", "/", tok)
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("commit failed: status %d, want 503", res.StatusCode)
			}
			if b := body(res); strings.Contains(b, "handler's page") || res.Header.Get("X-Secret") != "" {
				t.Errorf("commit failed but the handler's response went out: %q", b)
			}
		})
	}
}

// failingStore fails every call while fail is set.
type failingStore struct {
	sessiond.Store
	fail atomic.Bool
}

var errDown = errors.New("store down")

func (f *failingStore) Find(ctx context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	if f.fail.Load() {
		return nil, false, errDown
	}
	return f.Store.Find(ctx, h)
}

func (f *failingStore) Update(ctx context.Context, rec *sessiond.Record, v int64) error {
	if f.fail.Load() {
		return errDown
	}
	return f.Store.Update(ctx, rec, v)
}

func (f *failingStore) Touch(ctx context.Context, id string, a, b time.Time) error {
	if f.fail.Load() {
		return errDown
	}
	return f.Store.Touch(ctx, id, a, b)
}
