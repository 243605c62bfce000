package demo

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

func TestTimeout_Idle_R35(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	for range 3 {
		s.clock.Advance(sessiond.DefaultIdleTimeout - time.Minute)
		wantStatus(t, "activity before the idle timeout", b.get("/account"), http.StatusOK)
	}
	s.clock.Advance(sessiond.DefaultIdleTimeout + time.Second)
	wantToLogin(t, "after the idle timeout", b.get("/account"))
	if code, _ := b.me(); code != http.StatusUnauthorized {
		t.Errorf("after the idle timeout: /api/me = %d, want 401", code)
	}
	events, _ := s.store.QueryEvents(t.Context(), eventQuery("session.expired"))
	if len(events) != 1 || events[0].Reason != sessiond.ReasonIdle {
		t.Errorf("audit: got %v, want one session.expired with reason idle", events)
	}
}

func TestTimeout_Absolute_R36_R37(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	user := s.mustUser("alice")
	deadline := s.clock.Now().Add(sessiond.DefaultAbsoluteTimeout)

	b.stayActive(11 * time.Hour)
	// Re-authentication and a password change rotate the token but keep
	// the deadline (R37).
	wantRedirect(t, "reauth", b.reauth("/account/password", ""), "/account/password")
	r := b.submit("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a brand new passphrase"}})
	wantRedirect(t, "password change", r, "/account?done=password")
	list, _ := s.m.List(t.Context(), user.ID)
	if len(list) != 1 || !list[0].AbsoluteExpiresAt().Equal(deadline) {
		t.Fatalf("absolute deadline after reauth and rotation: got %v, want %v", list[0].AbsoluteExpiresAt(), deadline)
	}
	if page := b.get("/account"); !strings.Contains(page.body, "at "+deadline.Format("2 Jan 2006, 15:04 UTC")+" at the latest") {
		t.Errorf("the account page does not show the absolute deadline %v", deadline)
	}

	b.stayActive(deadline.Sub(s.clock.Now()) - time.Minute)
	wantStatus(t, "a minute before the deadline", b.get("/account"), http.StatusOK)
	s.clock.Advance(time.Minute)
	wantToLogin(t, "at the absolute deadline, active all along", b.get("/account"))
	events, _ := s.store.QueryEvents(t.Context(), eventQuery("session.expired"))
	if len(events) != 1 || events[0].Reason != sessiond.ReasonAbsolute {
		t.Errorf("audit: got %v, want one session.expired with reason absolute", events)
	}
	// Only a new login starts a new deadline.
	wantRedirect(t, "new login", b.login("alice", "a brand new passphrase"), "/account")
	list, _ = s.m.List(t.Context(), user.ID)
	if len(list) != 1 || !list[0].AbsoluteExpiresAt().After(deadline) {
		t.Errorf("a new login: got deadline %v, want a new one", list[0].AbsoluteExpiresAt())
	}
}

func TestInvalidCookies_LookTheSame_R49(t *testing.T) {
	s := newTestSite(t)
	expired := s.browser()
	expired.signup("alice")
	s.clock.Advance(sessiond.DefaultIdleTimeout + time.Minute)
	revoked := s.browser()
	revoked.mustLogin("alice")
	other := s.browser()
	other.mustLogin("alice")
	s.clock.Advance(11 * time.Minute)
	wantRedirect(t, "reauth", other.reauth("/account/sessions", ""), "/account/sessions")
	other.submit("/account/sessions", "/account/sessions/revoke-others", nil)
	unknown := s.browser()
	unknown.setSession(strings.Repeat("x", 43))
	malformed := s.browser()
	malformed.setSession("<script>")

	cases := []struct {
		name  string
		b     *browser
		token string
	}{{"expired", expired, ""}, {"revoked", revoked, ""}, {"unknown", unknown, ""}, {"malformed", malformed, ""}}
	for i := range cases {
		cases[i].token = cases[i].b.session()
	}
	for _, path := range []string{"/account", "/api/me", "/account/password"} {
		var first *reply
		for _, c := range cases {
			c.b.setSession(c.token) // the last answer expired it
			r := c.b.get(path)
			if first == nil {
				first = r
				if r.StatusCode >= 500 || r.cookie(sessionCookie) == nil || r.cookie(sessionCookie).MaxAge >= 0 {
					t.Errorf("%s %s: got %d, Set-Cookie %q; want a plain answer that expires the cookie", c.name, path, r.StatusCode, r.setCookie(sessionCookie))
				}
				continue
			}
			if r.StatusCode != first.StatusCode || r.location() != first.location() || r.body != first.body || r.setCookie(sessionCookie) != first.setCookie(sessionCookie) {
				t.Errorf("%s %s: got %d %q %q %q, want the answer to an expired cookie: %d %q %q %q", c.name, path,
					r.StatusCode, r.location(), r.setCookie(sessionCookie), r.body, first.StatusCode, first.location(), first.setCookie(sessionCookie), first.body)
			}
		}
	}
}
