package demo

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// mfaUser signs alice up in a browser of its own, turns two-step login on
// and returns her TOTP secret, with the clock at a fresh step.
func mfaUser(t *testing.T, s *testSite) string {
	t.Helper()
	b := s.browser()
	b.signup("alice")
	secret := b.enrolTOTP()
	b.logout()
	s.nextStep()
	return secret
}

// secondStep posts a code to the second step of a pending login.
func (b *browser) secondStep(code string) *reply {
	b.t.Helper()
	return b.submit("/login/mfa", "/login/mfa", url.Values{"code": {code}})
}

func TestMFA_EnrolAndLogin(t *testing.T) {
	s := newTestSite(t)
	secret := mfaUser(t, s)
	b := s.browser()
	wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
	page := b.get("/login/mfa")
	wantStatus(t, "second-step page", page, http.StatusOK)
	if !strings.Contains(page.body, `name="code"`) {
		t.Errorf("second-step page has no code field")
	}
	wantRedirect(t, "second step", b.secondStep(s.code(secret)), "/account")
	if code, body := b.me(); code != http.StatusOK || !strings.Contains(body, `"alice"`) {
		t.Fatalf("after the second step: /api/me = %d %s", code, body)
	}
	if !strings.Contains(html.UnescapeString(b.get("/account").body), "with password + authenticator code</dd>") {
		t.Errorf("account page does not say the login used password + authenticator code")
	}
	if !strings.Contains(b.get("/account/mfa").body, "On.") {
		t.Errorf("two-step settings do not say it is on")
	}
}

func TestMFA_EnrolWrongCode(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	r := b.submit("/account/mfa", "/account/mfa", url.Values{"code": {"000000"}})
	wantStatus(t, "wrong enrolment code", r, http.StatusBadRequest)
	if !otpauthURI.MatchString(r.body) || !strings.Contains(r.body, `class="error"`) {
		t.Errorf("the page after a wrong code lacks the setup key or the error")
	}
	if s.mustUser("alice").MFA() {
		t.Errorf("a wrong code turned two-step login on")
	}
	b.logout()
	wantRedirect(t, "login", b.login("alice", testPassword), "/account")
}

func TestMFA_PendingLoginGrantsNothing_R26(t *testing.T) {
	s := newTestSite(t)
	mfaUser(t, s)
	b := s.browser()
	r := b.login("alice", testPassword)
	wantRedirect(t, "password step", r, "/login/mfa")
	if r.cookie(sessionCookie) == nil {
		t.Fatalf("the password step set no cookie")
	}
	pendingToken := b.session()
	for _, path := range []string{"/account", "/account/sessions", "/account/password", "/account/mfa", "/account/mfa/qr.png"} {
		r := b.get(path)
		loc := r.location()
		if r.StatusCode != http.StatusSeeOther || !(strings.HasPrefix(loc, "/login") || strings.HasPrefix(loc, "/login/mfa")) {
			t.Errorf("GET %s with a pending login: got %d to %q, want 303 to /login or /login/mfa", path, r.StatusCode, loc)
		}
	}
	if home := b.get("/"); strings.Contains(home.body, "alice") || strings.Contains(home.body, `action="/logout"`) {
		t.Errorf("the start page with a pending login shows the account")
	}
	if code, body := b.me(); code != http.StatusUnauthorized {
		t.Errorf("/api/me with a pending login: got %d %s, want 401", code, body)
	}
	wantRedirect(t, "GET /reauth pending", b.get("/reauth"), "/login")
	form := url.Values{"password": {testPassword}, "next": {"/account"}, "csrf_token": {b.token("/login/mfa")}}
	wantRedirect(t, "POST /reauth pending", b.post("/reauth", form), "/login")
	wantStatus(t, "revoke-others pending", b.submit("/login/mfa", "/account/sessions/revoke-others", nil), http.StatusSeeOther)
	if code, _ := b.me(); code != http.StatusUnauthorized {
		t.Errorf("after trying a re-authentication: /api/me = %d, want 401", code)
	}

	// The owner's devices page does not list it.
	owner := s.browser()
	wantRedirect(t, "owner login", owner.login("alice", testPassword), "/login/mfa")
	s.nextStep()
	wantRedirect(t, "owner second step", owner.secondStep(s.code(s.mustUser("alice").TOTPSecret)), "/account")
	if list := owner.devices(); len(list) != 1 {
		t.Errorf("devices page: got %d rows, want 1 (pending logins are not sessions)", len(list))
	}

	// Finishing the login issues a new token and kills the pending one (R22).
	s.nextStep()
	r = b.secondStep(s.code(s.mustUser("alice").TOTPSecret))
	wantRedirect(t, "second step", r, "/account")
	if b.session() == pendingToken {
		t.Errorf("the second step kept the pending token")
	}
	stale := s.browser()
	stale.setSession(pendingToken)
	if page := stale.get("/login/mfa"); page.StatusCode != http.StatusSeeOther {
		t.Errorf("pending token after the login finished: /login/mfa = %d, want 303 to /login", page.StatusCode)
	}
}

func TestMFA_CodeReplay(t *testing.T) {
	s := newTestSite(t)
	secret := mfaUser(t, s)
	code := s.code(secret)
	b := s.browser()
	wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
	wantRedirect(t, "second step", b.secondStep(code), "/account")
	b.logout()

	wantRedirect(t, "password step again", b.login("alice", testPassword), "/login/mfa")
	r := b.secondStep(code)
	wantStatus(t, "the same code again", r, http.StatusUnauthorized)
	if code, _ := b.me(); code != http.StatusUnauthorized {
		t.Fatalf("a replayed code signed in: /api/me = %d", code)
	}
	s.clock.Advance(10 * time.Second)
	wantStatus(t, "the same code later in its period", b.secondStep(code), http.StatusUnauthorized)
	s.nextStep()
	wantRedirect(t, "the next code", b.secondStep(s.code(secret)), "/account")
}

func TestMFA_WrongCodesEndPendingLogin(t *testing.T) {
	s := newTestSite(t)
	secret := mfaUser(t, s)
	b := s.browser()
	wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
	wrong := "000000"
	if s.code(secret) == wrong {
		wrong = "111111"
	}
	for i := 1; i < maxCodeTries; i++ {
		r := b.secondStep(wrong)
		wantStatus(t, "wrong code", r, http.StatusUnauthorized)
		if !strings.Contains(r.body, `action="/login/mfa"`) {
			t.Fatalf("wrong code %d: not the second-step page again", i)
		}
	}
	r := b.secondStep(wrong)
	wantStatus(t, "last wrong code", r, http.StatusUnauthorized)
	if !strings.Contains(r.body, `action="/login"`) || !strings.Contains(r.body, "Too many wrong codes") {
		t.Errorf("after %d wrong codes: not the login page with a message", maxCodeTries)
	}
	wantRedirect(t, "second-step page after the pending login ended", b.get("/login/mfa"), "/login")
	form := url.Values{"code": {s.code(secret)}, "csrf_token": {b.token("/login")}}
	wantRedirect(t, "the right code after the pending login ended", b.post("/login/mfa", form), "/login")
	if code, _ := b.me(); code != http.StatusUnauthorized {
		t.Errorf("after the pending login ended: /api/me = %d, want 401", code)
	}
}

func TestMFA_ReauthNeedsCode_R27(t *testing.T) {
	s := newTestSite(t)
	secret := mfaUser(t, s)
	b := s.browser()
	wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
	wantRedirect(t, "second step", b.secondStep(s.code(secret)), "/account")
	s.clock.Advance(11 * time.Minute)
	page := b.get("/reauth?next=/account/password")
	if !strings.Contains(page.body, `name="code"`) {
		t.Errorf("re-authentication page of a two-step user asks no code")
	}
	wantStatus(t, "reauth with the password only", b.reauth("/account/password", ""), http.StatusUnauthorized)
	wantRedirect(t, "stale page", b.get("/account/password"), "/reauth?next=%2Faccount%2Fpassword")
	s.nextStep()
	wantRedirect(t, "reauth with password and code", b.reauth("/account/password", s.code(secret)), "/account/password")
	user := s.mustUser("alice")
	list, _ := s.m.List(t.Context(), user.ID)
	if len(list) != 1 || strings.Join(list[0].AuthMethods(), "+") != "pwd+totp" {
		t.Errorf("methods after reauth: got %v, want [pwd totp]", list[0].AuthMethods())
	}
}

func TestMFA_RememberCarriesThrough_R19(t *testing.T) {
	s := newTestSite(t)
	secret := mfaUser(t, s)
	b := s.browser()
	wantRedirect(t, "password step", b.login("alice", testPassword, "remember", "1"), "/login/mfa")
	r := b.secondStep(s.code(secret))
	wantRedirect(t, "second step", r, "/account")
	if c := r.cookie(sessionCookie); c == nil || c.MaxAge <= 0 {
		t.Errorf("remembered two-step login: Set-Cookie %q, want a Max-Age", r.setCookie(sessionCookie))
	}
}
