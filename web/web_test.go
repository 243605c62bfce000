package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/throttle"
	"github.com/sessiond/sessiond/web"
)

// newManager returns a Manager on a fresh memory store.
func newManager(t *testing.T, cfg sessiond.Config) *sessiond.Manager {
	t.Helper()
	store := memstore.New(memstore.Config{})
	t.Cleanup(func() { store.Close() })
	m, err := sessiond.New(store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// brokenStore is a store that cannot find anything.
type brokenStore struct{ sessiond.Store }

func (brokenStore) Find(context.Context, sessiond.Hash) (*sessiond.Record, bool, error) {
	return nil, false, errors.New("store down")
}

// TestHandler_HeadersOnEveryLayersAnswer checks the order of the layers
// from the outside: the security headers reach the session middleware's
// refusal when the store fails, and the CSRF check's.
func TestHandler_HeadersOnEveryLayersAnswer(t *testing.T) {
	store := memstore.New(memstore.Config{})
	defer store.Close()
	m, err := sessiond.New(brokenStore{store}, sessiond.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(m, web.Config{}).Handler(http.NotFoundHandler())
	for _, tc := range []struct {
		name   string
		method string
		cookie bool
		want   int
	}{
		{"store fails", "GET", true, http.StatusServiceUnavailable},
		{"cross-site post", "POST", false, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "https://app.example/", nil)
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			if tc.cookie {
				r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: strings.Repeat("A", 43)})
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("got %d, want %d", w.Code, tc.want)
			}
			if got := w.Header().Get("Strict-Transport-Security"); got == "" {
				t.Error("got no Strict-Transport-Security")
			}
		})
	}
}

// TestHandler_TokensBoundToSession walks a login with a cookie jar: the
// login form's token is bound to a pre-session and dies with the login;
// a form served to the session then passes.
func TestHandler_TokensBoundToSession(t *testing.T) {
	m := newManager(t, sessiond.Config{})
	site := web.New(m, web.Config{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, site.CSRF().Token(w, r))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if _, err := m.Login(r.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}}); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("POST /action", func(http.ResponseWriter, *http.Request) {})
	srv := httptest.NewTLSServer(site.Handler(mux))
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := srv.Client()
	client.Jar = jar

	form := func() string {
		resp, err := client.Get(srv.URL + "/form")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	post := func(path, token string) int {
		r, err := http.NewRequest("POST", srv.URL+path, strings.NewReader(url.Values{"csrf_token": {token}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", srv.URL)
		resp, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	anonymous := form()
	if got := post("/login", anonymous); got != http.StatusOK {
		t.Fatalf("login with the form's token: got %d, want 200", got)
	}
	if got := post("/action", anonymous); got != http.StatusForbidden {
		t.Errorf("the login form's token after login: got %d, want 403", got)
	}
	if got := post("/action", form()); got != http.StatusOK {
		t.Errorf("a token served to the session: got %d, want 200", got)
	}
}

// fromProxy is a request that the proxy at 192.0.2.1 forwards for client.
func fromProxy(client string) *http.Request {
	r := httptest.NewRequest("POST", "https://app.example/login", nil)
	r.RemoteAddr = "192.0.2.1:4711"
	r.Header.Set("X-Forwarded-For", client)
	return r
}

// TestBeginLogin_ClientAsManagerSeesIt checks that the login throttle
// counts each client behind a trusted proxy apart, as the Manager sees
// them, rather than the proxy's address.
func TestBeginLogin_ClientAsManagerSeesIt(t *testing.T) {
	m := newManager(t, sessiond.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}})
	site := web.New(m, web.Config{})
	for range throttle.DefaultFreeFailures {
		attempt, _, err := site.BeginLogin(fromProxy("203.0.113.5"), "alice")
		if err != nil {
			t.Fatal(err)
		}
		attempt.Fail()
	}
	if _, _, err := site.BeginLogin(fromProxy("203.0.113.5"), "alice"); !errors.Is(err, throttle.ErrBackoff) {
		t.Errorf("the failing client: got %v, want ErrBackoff", err)
	}
	attempt, _, err := site.BeginLogin(fromProxy("203.0.113.6"), "alice")
	if err != nil {
		t.Errorf("another client behind the same proxy: got %v, want nil", err)
	} else {
		attempt.Release()
	}
}

// TestTakeSignup_PerClient checks that sign-ups count per client as the
// Manager sees it.
func TestTakeSignup_PerClient(t *testing.T) {
	m := newManager(t, sessiond.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}})
	site := web.New(m, web.Config{Signups: throttle.LimiterConfig{Limit: 2}})
	for i, want := range []bool{true, true, false} {
		if _, ok := site.TakeSignup(fromProxy("203.0.113.5")); ok != want {
			t.Errorf("sign-up %d of a client: got %v, want %v", i+1, ok, want)
		}
	}
	if _, ok := site.TakeSignup(fromProxy("203.0.113.6")); !ok {
		t.Error("another client behind the same proxy was refused")
	}
}

// TestLogout ends the session on the server, expires the cookie and
// clears the browser's copy of the site.
func TestLogout(t *testing.T) {
	m := newManager(t, sessiond.Config{})
	site := web.New(m, web.Config{})
	var id string
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := m.Login(r.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
		if err != nil {
			t.Fatal(err)
		}
		id = s.ID()
		if err := site.Logout(w, r); err != nil {
			t.Fatal(err)
		}
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "https://app.example/logout", nil))

	if got := w.Header().Get("Clear-Site-Data"); got != `"cache", "cookies", "storage"` {
		t.Errorf("Clear-Site-Data: got %q", got)
	}
	if _, found, err := m.Get(t.Context(), id); found || err != nil {
		t.Errorf("session after logout: got found %v, err %v; want neither", found, err)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == sessiond.DefaultCookieName && c.MaxAge >= 0 {
			t.Errorf("session cookie after logout: got %+v, want it expired", c)
		}
	}
}

func TestNew_PanicsWithoutManager(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "web: ") {
			t.Errorf("got panic %v, want one that starts with web:", r)
		}
	}()
	web.New(nil, web.Config{})
}
