package demo

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// checkRotated checks that r gave the browser a new token in place of old,
// that old still works in the grace window without being handed the new
// one, and that it is dead after it.
func checkRotated(t *testing.T, s *testSite, b *browser, r *reply, old string) {
	t.Helper()
	c := r.cookie(sessionCookie)
	if c == nil || c.Value == "" || c.Value == old || b.session() != c.Value {
		t.Fatalf("no new session token in %q", r.setCookie(sessionCookie))
	}
	holder := s.browser()
	holder.setSession(old)
	inGrace := holder.get("/api/me")
	if inGrace.StatusCode != http.StatusOK {
		t.Errorf("old token within the grace window: /api/me = %d, want 200", inGrace.StatusCode)
	}
	if strings.Contains(strings.Join(inGrace.Header.Values("Set-Cookie"), "\n"), c.Value) {
		t.Errorf("a request with the old token was handed the new one")
	}
	s.clock.Advance(sessiond.DefaultRotationGrace + time.Second)
	if code, _ := b.me(); code != http.StatusOK {
		t.Errorf("new token after the grace window: /api/me = %d, want 200", code)
	}
	if code, _ := holder.me(); code != http.StatusUnauthorized {
		t.Errorf("old token after the grace window: /api/me = %d, want 401", code)
	}
	// Two parties held the session: it is over for both.
	if code, _ := b.me(); code != http.StatusUnauthorized {
		t.Errorf("new token after the old one came back: /api/me = %d, want 401", code)
	}
	events, _ := s.store.QueryEvents(t.Context(), eventQuery("session.token_reused"))
	if len(events) != 1 {
		t.Errorf("session.token_reused events: got %d, want 1", len(events))
	}
}

func TestReauth_NewToken_R23(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	s.clock.Advance(11 * time.Minute)
	wantRedirect(t, "stale settings page", b.get("/account/password"), "/reauth?next=%2Faccount%2Fpassword")

	old := b.session()
	r := b.submit("/reauth?next=%2Faccount%2Fpassword", "/reauth", url.Values{"password": {"not the password"}, "next": {"/account/password"}})
	wantStatus(t, "wrong password", r, http.StatusUnauthorized)
	if b.session() != old {
		t.Fatalf("a failed re-authentication changed the token")
	}
	r = b.reauth("/account/password", "")
	wantRedirect(t, "reauth", r, "/account/password")
	wantStatus(t, "settings page after reauth", b.get("/account/password"), http.StatusOK)
	checkRotated(t, s, b, r, old)
}

func TestPassword_RotatesToken_R24(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	old := b.session()
	r := b.submit("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a brand new passphrase"}})
	wantRedirect(t, "password change", r, "/account?done=password")
	checkRotated(t, s, b, r, old)
}

func TestMFA_EnrolmentRotatesToken_R24(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	old := b.session()
	b.enrolTOTP()
	if b.session() == old {
		t.Errorf("enrolling a second factor kept the token")
	}
}

// Whoever holds a rotated-out token inside its grace window can neither
// turn it into a live token nor act on the account: re-authentication,
// the password change and "sign out everywhere else" refuse it (R23).
func TestGraceToken_ActsOnNothing_R23(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	other := s.browser()
	other.mustLogin("alice")
	old := b.session()
	wantRedirect(t, "reauth", b.reauth("/account", ""), "/account")

	thief := s.browser()
	thief.setSession(old)
	csrf := thief.token("/account/sessions") // a page that only needs the session
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"/account/sessions/revoke-others", url.Values{}},
		{"/account/password", url.Values{"current_password": {testPassword}, "new_password": {"the thief's password"}, "revoke_others": {"1"}}},
		{"/reauth", url.Values{"password": {testPassword}, "next": {"/account"}}},
	} {
		c.form.Set("csrf_token", csrf)
		r := thief.post(c.path, c.form)
		if r.StatusCode != http.StatusSeeOther || r.location() != "/login" || r.setCookie(sessionCookie) != "" {
			t.Errorf("POST %s with the grace token = %d to %q, Set-Cookie %q; want 303 to /login and no token", c.path, r.StatusCode, r.location(), r.setCookie(sessionCookie))
		}
	}
	if code, _ := other.me(); code != http.StatusOK {
		t.Errorf("the other session after the grace token's attempts: /api/me = %d, want 200", code)
	}
	if code, _ := b.me(); code != http.StatusOK {
		t.Errorf("the current token after the grace token's attempts: /api/me = %d, want 200", code)
	}
	fresh := s.browser()
	fresh.mustLogin("alice") // the password did not change
}
