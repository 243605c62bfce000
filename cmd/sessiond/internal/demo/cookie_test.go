package demo

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// TestCookies_Attributes_R14_R18 checks every cookie the site sets on the
// way through sign-up, login, a second step, logout and a failed login.
func TestCookies_Attributes_R14_R18(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	b.enrolTOTP()
	b.logout()
	s.nextStep()
	wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
	wantRedirect(t, "second step", b.submit("/login/mfa", "/login/mfa", url.Values{"code": {s.code(s.mustUser("alice").TOTPSecret)}}), "/account")
	b.logout()
	s.browser().login("alice", "wrong password, surely")

	seen := map[string]bool{}
	for _, e := range s.exchanges() {
		for _, line := range e.header.Values("Set-Cookie") {
			name, _, _ := strings.Cut(line, "=")
			seen[name] = true
			checkCookieLine(t, line)
		}
	}
	for _, name := range []string{sessionCookie, "__Host-csrf-pre", "__Host-device"} {
		if !seen[name] {
			t.Errorf("no Set-Cookie for %s seen in the flow", name)
		}
	}
}

// checkCookieLine checks one Set-Cookie line against R14–R18 and R20.
func checkCookieLine(t *testing.T, line string) {
	t.Helper()
	name, rest, _ := strings.Cut(line, "=")
	value, attrs, _ := strings.Cut(rest, ";")
	lower := strings.ToLower(attrs)
	checks := []struct {
		id string
		ok bool
	}{
		{"R14 __Host- prefix", strings.HasPrefix(name, "__Host-")},
		{"R15 Secure", strings.Contains(lower, "; secure") || strings.HasPrefix(strings.TrimSpace(lower), "secure")},
		{"R16 HttpOnly", strings.Contains(lower, "httponly")},
		{"R17 SameSite=Lax or Strict", strings.Contains(lower, "samesite=lax") || strings.Contains(lower, "samesite=strict")},
		{"R18 Path=/", strings.Contains(lower, "path=/") && !strings.Contains(lower, "path=/a")},
		{"R18 no Domain", !strings.Contains(lower, "domain=")},
		{"R20 name and value within 4096 bytes", len(name)+len(value) <= 4096},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: Set-Cookie %q", c.id, line)
		}
	}
}

// mustUser returns the user called name.
func (s *testSite) mustUser(name string) User {
	s.t.Helper()
	u, ok := s.users.ByName(name)
	if !ok {
		s.t.Fatalf("no user %q", name)
	}
	return u
}

// maxAge returns the Max-Age of a Set-Cookie line and whether it has one
// (or an Expires).
func maxAge(t *testing.T, line string) (time.Duration, bool) {
	t.Helper()
	c, err := http.ParseSetCookie(line)
	if err != nil {
		t.Fatalf("Set-Cookie %q: %v", line, err)
	}
	if strings.Contains(strings.ToLower(line), "expires=") && c.MaxAge == 0 {
		t.Errorf("Set-Cookie %q has Expires without Max-Age", line)
	}
	return time.Duration(c.MaxAge) * time.Second, c.MaxAge != 0
}

func TestCookies_NotPersistentByDefault_R19(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")
	b := s.browser()
	r := b.login("alice", testPassword)
	line := r.setCookie(sessionCookie)
	if line == "" {
		t.Fatal("login set no session cookie")
	}
	if age, has := maxAge(t, line); has {
		t.Errorf("session cookie without remember: Max-Age %v, want none: %q", age, line)
	}
	s.clock.Advance(20 * time.Minute) // past RotateEvery: the next request rotates
	r = b.get("/account")
	line = r.setCookie(sessionCookie)
	if line == "" {
		t.Fatal("no rotation after RotateEvery")
	}
	if age, has := maxAge(t, line); has {
		t.Errorf("rotated session cookie without remember: Max-Age %v, want none", age)
	}
}

func TestCookies_RememberEndsByAbsoluteDeadline_R19(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")
	b := s.browser()
	loginAt := s.clock.Now()
	deadline := loginAt.Add(sessiond.DefaultAbsoluteTimeout)
	checkAge := func(what string, r *reply) {
		t.Helper()
		line := r.setCookie(sessionCookie)
		age, has := maxAge(t, line)
		left := deadline.Sub(s.clock.Now())
		if !has || age <= 0 || age > left {
			t.Errorf("%s: Max-Age %v, want one in (0, %v]: %q", what, age, left, line)
		}
	}
	r := b.login("alice", testPassword, "remember", "1")
	wantRedirect(t, "remembered login", r, "/account")
	checkAge("login", r)

	b.stayActive(3 * time.Hour)
	s.clock.Advance(16 * time.Minute)
	checkAge("periodic rotation", b.get("/account"))

	s.clock.Advance(14 * time.Minute)
	r = b.reauth("/account/password", "")
	wantRedirect(t, "reauth", r, "/account/password")
	checkAge("re-authentication", r)

	r = b.submit("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a new long passphrase"}, "revoke_others": {"1"}})
	wantRedirect(t, "password change", r, "/account?done=password")
	checkAge("password change", r)
}

// stayActive lets d pass on the fake clock with a page load every 20
// minutes, so that the session never reaches its idle timeout.
func (b *browser) stayActive(d time.Duration) {
	b.t.Helper()
	for end := b.site.clock.Now().Add(d); b.site.clock.Now().Before(end); {
		b.site.clock.Advance(min(20*time.Minute, end.Sub(b.site.clock.Now())))
		wantStatus(b.t, "keeping the session active", b.get("/account"), http.StatusOK)
	}
}
