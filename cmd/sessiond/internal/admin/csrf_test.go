package admin

import (
	"net/http"
	"net/url"
	"testing"
)

// Every action refuses a request without a token bound to the operator's
// session, and ends nothing.
func TestCSRF_Token_R41(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice", "203.0.113.5", firefoxWindows)
	b := e.operator()
	preSessionToken := func() string {
		anon := e.browser()
		anon.get("/admin/login")
		return anon.token
	}()
	other := e.browser()
	other.signIn("other", "other operator password")
	other.get("/admin/")
	for _, tc := range []struct{ name, token string }{
		{"missing", ""},
		{"another operator's", other.token},
		{"a pre-session's", preSessionToken},
		{"malformed", "not-a-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"session_id": {s.ID()}}
			if tc.token != "" {
				form.Set("csrf_token", tc.token)
			} else {
				form["csrf_token"] = nil
			}
			for _, path := range []string{"/admin/sessions/revoke", "/admin/users/revoke", "/admin/sessions/revoke-all", "/admin/logout"} {
				form.Set("user_id", "alice")
				form.Set("confirm", "all")
				if resp, _ := b.post(path, form); resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s: got %d, want 403", path, resp.StatusCode)
				}
			}
		})
	}
	if !e.alive(s.ID()) {
		t.Error("a refused request ended the session")
	}
	if resp, _ := b.get("/admin/"); resp.StatusCode != http.StatusOK {
		t.Error("a refused logout signed the operator out")
	}
}

// Unsafe requests from another origin, or of unknown origin, are refused
// even with a valid token.
func TestCSRF_CrossOrigin_R42(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice", "203.0.113.5", firefoxWindows)
	b := e.operator()
	for _, tc := range []struct {
		name   string
		header http.Header
		want   int
	}{
		{"foreign Origin", http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"cross-site", http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"same-site", http.Header{"Sec-Fetch-Site": {"same-site"}}, http.StatusForbidden},
		{"Origin null", http.Header{"Origin": {"null"}}, http.StatusForbidden},
		{"neither header", http.Header{}, http.StatusForbidden},
		{"same-origin", http.Header{"Origin": {e.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"session_id": {s.ID()}, "user_id": {"alice"}}
			if resp, _ := b.postWith("/admin/sessions/revoke", form, tc.header); resp.StatusCode != tc.want {
				t.Errorf("got %d, want %d", resp.StatusCode, tc.want)
			}
			if alive := e.alive(s.ID()); alive != (tc.want == http.StatusForbidden) {
				t.Errorf("session alive: %v after a %d", alive, tc.want)
			}
		})
	}
}

// The login form is protected too: a post needs the pre-session of the
// browser that loaded the form.
func TestCSRF_LoginForm_R25(t *testing.T) {
	e := newEnv(t)
	victim := e.browser()
	attacker := e.browser()
	attacker.get("/admin/login")
	form := url.Values{"username": {opName}, "password": {opPassword}, "csrf_token": {attacker.token}}
	if resp, _ := victim.post("/admin/login", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a login with another browser's token: got %d, want 403", resp.StatusCode)
	}
	victim.get("/admin/login")
	form.Del("csrf_token")
	if resp, _ := victim.postWith("/admin/login", form, http.Header{"Origin": {"https://evil.example"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-origin login: got %d, want 403", resp.StatusCode)
	}
	if victim.cookie(CookieName) != "" {
		t.Error("a forged login signed the browser in")
	}
}

// After login the pre-session's token opens nothing.
func TestCSRF_PreSessionTokenDiesAtLogin_R41(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice", "203.0.113.5", firefoxWindows)
	b := e.browser()
	b.get("/admin/login")
	pre := b.token
	b.post("/admin/login", url.Values{"username": {opName}, "password": {opPassword}})
	form := url.Values{"session_id": {s.ID()}, "csrf_token": {pre}}
	if resp, _ := b.post("/admin/sessions/revoke", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("got %d, want 403", resp.StatusCode)
	}
}

// No state changes on GET (R43).
func TestActions_PostOnly_R43(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice", "203.0.113.5", firefoxWindows)
	b := e.operator()
	for _, path := range []string{
		"/admin/sessions/revoke?session_id=" + s.ID(),
		"/admin/users/revoke?user_id=alice",
		"/admin/sessions/revoke-all?confirm=all",
	} {
		if resp, _ := b.get(path); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET %s: got %d, want 405", path, resp.StatusCode)
		}
	}
	if !e.alive(s.ID()) {
		t.Error("a GET ended a session")
	}
}
