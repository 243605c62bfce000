package sessiond_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// guarded serves the app with three extra routes behind guards:
// /private (RequireAuth), /sensitive (RequireFresh 10m), /strong
// (RequireMethods totp).
func (e *env) guarded() http.Handler {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("granted")) })
	mux := http.NewServeMux()
	mux.Handle("/private", sessiond.RequireAuth(ok))
	mux.Handle("/sensitive", sessiond.RequireFresh(10*time.Minute)(ok))
	mux.Handle("/strong", sessiond.RequireMethods("totp")(ok))
	mux.HandleFunc("POST /login-pending", func(w http.ResponseWriter, r *http.Request) {
		e.m.Login(r.Context(), sessiond.LoginInfo{UserID: r.FormValue("user"), Methods: []string{"pwd"}, Pending: true})
	})
	mux.HandleFunc("POST /login-mfa", func(w http.ResponseWriter, r *http.Request) {
		s := sessiond.FromContextAny(r.Context())
		if s == nil || s.State() != sessiond.StatePending {
			http.Error(w, "no pending login", http.StatusBadRequest)
			return
		}
		e.m.Login(r.Context(), sessiond.LoginInfo{UserID: s.UserID(), Methods: []string{"pwd", "totp"}})
	})
	mux.HandleFunc("POST /reauth", func(w http.ResponseWriter, r *http.Request) {
		if _, err := sessiond.FromContextAny(r.Context()).Reauth(r.Context(), []string{r.FormValue("method")}); err != nil {
			http.Error(w, "reauth failed", http.StatusBadRequest)
		}
	})
	mux.Handle("/", e.app())
	return e.m.Handler(mux)
}

// get requests path as a browser (Accept: text/html) or an API client.
func (b *browser) get(path string, html bool) *http.Response {
	r := httptestRequest("GET", path)
	if html {
		r.Header.Set("Accept", "text/html,application/xhtml+xml")
	}
	if b.tok != "" {
		r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: b.tok})
	}
	return serve(b.h, r)
}

// wantDenied checks a guard's refusal, for a browser and an API client.
func wantDenied(t *testing.T, b *browser, path, page, reason string) {
	t.Helper()
	res := b.get(path, true)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?next=") {
		t.Errorf("browser GET %s = %d to %q, want 303 to %s", path, res.StatusCode, loc, page)
	}
	res = b.get(path, false)
	var got struct{ Error string }
	json.NewDecoder(res.Body).Decode(&got)
	if res.StatusCode != http.StatusUnauthorized || got.Error != reason {
		t.Errorf("API GET %s = %d %q, want 401 %q", path, res.StatusCode, got.Error, reason)
	}
}

func wantGranted(t *testing.T, b *browser, path string) {
	t.Helper()
	if res := b.get(path, true); res.StatusCode != http.StatusOK {
		t.Errorf("GET %s = %d, want 200", path, res.StatusCode)
	}
}

func TestGuard_Anonymous(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.guarded()}
	wantDenied(t, b, "/private", "/login", "unauthenticated")
}

func TestGuard_PendingLoginGrantsNothing_R26(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.guarded()}
	b.do("POST", "/login-pending?user=alice")
	if b.tok == "" {
		t.Fatalf("pending login set no cookie")
	}
	pending := b.tok
	wantDenied(t, b, "/private", "/login/mfa", "mfa_required")
	if res := b.do("GET", "/me"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /me with a pending login = %d, want 401 (FromContext must be nil)", res.StatusCode)
	}
	if res := b.do("POST", "/reauth?method=pwd"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("Reauth of a pending login = %d, want refused", res.StatusCode)
	}
	if got, _ := e.m.List(t.Context(), "alice"); len(got) != 0 {
		t.Errorf("List shows %d sessions for a pending login, want 0", len(got))
	}
	b.do("POST", "/login-mfa")
	wantGranted(t, b, "/private")
	wantGranted(t, b, "/strong")
	if e.valid(t, pending) {
		t.Errorf("the pending token survived the finished login")
	}
}

func TestGuard_PendingLoginExpires(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.guarded()}
	b.do("POST", "/login-pending?user=alice")
	e.clock.Advance(sessiond.DefaultPendingTimeout)
	if res := b.do("POST", "/login-mfa"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("finishing a login after PendingTimeout = %d, want refused", res.StatusCode)
	}
}

func TestGuard_FreshLoginForSensitiveRoutes_R39_R40(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.guarded()}
	b.do("POST", "/login?user=alice")
	wantGranted(t, b, "/sensitive")
	for range 3 { // stay active past the freshness window
		e.clock.Advance(5 * time.Minute)
		b.do("GET", "/me")
	}
	wantGranted(t, b, "/private")
	wantDenied(t, b, "/sensitive", "/reauth", "reauth_required")
	b.do("POST", "/reauth?method=pwd")
	wantGranted(t, b, "/sensitive")
}

func TestGuard_NeverStrongerThanItsProof_R27(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.guarded()}
	b.do("POST", "/login?user=alice") // password only
	wantDenied(t, b, "/strong", "/reauth", "reauth_required")
	b.do("POST", "/reauth?method=pwd")
	wantDenied(t, b, "/strong", "/reauth", "reauth_required")
	b.do("POST", "/reauth?method=totp")
	wantGranted(t, b, "/strong")
}

// TestNextPath_NoOpenRedirect checks the return path of a login page: a path of this
// site is kept, and anything a browser could read as another site's
// address is replaced with the fallback.
func TestNextPath_NoOpenRedirect(t *testing.T) {
	for next, want := range map[string]string{
		"/account":                "/account",
		"/account/sessions?x=1#y": "/account/sessions?x=1#y",
		"/a//b":                   "/a//b",
		"":                        "/home",
		"account":                 "/home",
		"//evil.example":          "/home",
		"/\\evil.example":         "/home",
		"\\\\evil.example":        "/home",
		"/\t/evil.example":        "/home",
		"/\n/evil.example":        "/home",
		"https://evil.example/":   "/home",
		"javascript:alert(1)":     "/home",
		"/%0d%0aSet-Cookie:a=b":   "/%0d%0aSet-Cookie:a=b",
		"/\u0085/evil.example":    "/home",
	} {
		if got := sessiond.NextPath(next, "/home"); got != want {
			t.Errorf("NextPath(%q): got %q, want %q", next, got, want)
		}
	}
}
