package demo

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestLogout_GetRefused_R28_R43(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		r := b.send(b.request(method, "/logout", nil))
		if r.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(r.Header.Get("Allow"), "POST") {
			t.Errorf("%s /logout: got %d (Allow %q), want 405 allowing POST", method, r.StatusCode, r.Header.Get("Allow"))
		}
	}
	if code, _ := b.me(); code != http.StatusOK {
		t.Errorf("after GET and HEAD /logout: /api/me = %d, want 200 (still signed in)", code)
	}
}

func TestLogout_EndsSessionOnServer_R28_R30(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	copied := b.session()
	thief := s.browser()
	thief.setSession(copied)
	if code, _ := thief.me(); code != http.StatusOK {
		t.Fatalf("copied cookie before logout: got %d, want 200", code)
	}

	r := b.logout()
	wantRedirect(t, "logout", r, "/login?done=logout")
	if got, want := r.Header.Get("Clear-Site-Data"), `"cache", "cookies", "storage"`; got != want {
		t.Errorf("R30 Clear-Site-Data: got %q, want %q", got, want)
	}
	c := r.cookie(sessionCookie)
	if c == nil || c.Value != "" || c.MaxAge >= 0 {
		t.Errorf("R28 logout cookie: got %q, want the session cookie expired", r.setCookie(sessionCookie))
	}
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("R46 logout Cache-Control: got %q, want no-store", got)
	}
	if code, _ := thief.me(); code != http.StatusUnauthorized {
		t.Errorf("R28 copied cookie after logout: /api/me = %d, want 401", code)
	}
	wantToLogin(t, "copied cookie after logout, /account", thief.get("/account"))
	if code, _ := b.me(); code != http.StatusUnauthorized {
		t.Errorf("after logout: /api/me = %d, want 401", code)
	}
	events, _ := s.store.QueryEvents(t.Context(), eventQuery("session.revoked"))
	if len(events) != 1 || events[0].Reason != "logout" {
		t.Errorf("audit after logout: got %v, want one session.revoked with reason logout", events)
	}
}

// logoutForm matches the log-out control: a POST form to /logout that
// carries a CSRF token and a button.
var logoutForm = regexp.MustCompile(`(?s)<form method="post" action="/logout"[^>]*>\s*<input type="hidden" name="csrf_token" value="[^"]+">.*?<button[^>]*>Log out</button>\s*</form>`)

func TestLogout_ButtonOnEveryAuthenticatedPage_R29(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	pages := []string{"/account", "/account/sessions", "/account/password", "/account/mfa", "/reauth?next=/account", "/account?done=signup"}
	for _, page := range pages {
		t.Run(page, func(t *testing.T) {
			r := b.in(t).get(page)
			wantStatus(t, "GET "+page, r, http.StatusOK)
			if !logoutForm.MatchString(r.body) {
				t.Errorf("GET %s: no log-out form with a CSRF token and a button", page)
			}
		})
	}
	// The log-out control of a page works.
	m := logoutForm.FindString(b.get("/account/sessions").body)
	tok := csrfField.FindStringSubmatch(m)[1]
	wantRedirect(t, "log-out button", b.post("/logout", map[string][]string{"csrf_token": {tok}}), "/login?done=logout")
}
