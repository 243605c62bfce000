package demo

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/sessiond/sessiond"
)

func TestHome_SaysWhatToTry(t *testing.T) {
	s := newTestSite(t)
	r := s.browser().get("/")
	wantStatus(t, "GET /", r, http.StatusOK)
	for _, want := range []string{"What to try", `href="/signup"`, `href="/login"`, `href="/account/sessions"`, `href="/account/mfa"`, `href="/admin/"`, "30 minutes", "10 minutes"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the start page lacks %q", want)
		}
	}
}

// TestNotFound_StyledPage_R4: a path the site does not serve gets the
// site's 404 page, which repeats nothing of the request; a path it serves
// for another method keeps the 405 (R43).
func TestNotFound_StyledPage_R4(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	for _, path := range []string{"/nope", "/account/nope", "/%3Cscript%3Ealert(1)%3C/script%3E", "/favicon.ico"} {
		r := b.get(path)
		if r.StatusCode != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: got %d %q, want a 404 page", path, r.StatusCode, r.Header.Get("Content-Type"))
		}
		for _, want := range []string{"<h1>Page not found</h1>", `href="/static/style.css"`, `href="/"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("GET %s: the 404 page lacks %q", path, want)
			}
		}
		if strings.Contains(r.body, "nope") || strings.Contains(r.body, "script>") || strings.Contains(r.body, "alert") {
			t.Errorf("GET %s: the 404 page repeats the request", path)
		}
	}
	r := b.get("/logout")
	if r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "POST" {
		t.Errorf("GET /logout: got %d with Allow %q, want 405 with Allow POST", r.StatusCode, r.Header.Get("Allow"))
	}
}

func TestFavicon(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	if page := b.get("/login"); !strings.Contains(page.body, `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
		t.Errorf("the layout names no icon")
	}
	r := b.get("/static/favicon.svg")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(r.body, "<svg") {
		t.Errorf("GET /static/favicon.svg: got %d %q, want 200 image/svg+xml", r.StatusCode, r.Header.Get("Content-Type"))
	}
}

// signedOutNote is what the login page says to a browser signed out on
// this device.
const signedOutNote = "You were signed out on this device."

// TestLogin_SignedOutNotice_R49: a browser whose session ended while it
// was away is told so on the login page, in the same words whatever ended
// it (R49); one that logged out itself or never signed in is not.
func TestLogin_SignedOutNotice_R49(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")
	ended := map[string]func(t *testing.T, owner, b *browser){
		"revoked from another device": func(t *testing.T, owner, _ *browser) {
			wantStatus(t, "revoke the others", owner.submit("/account/sessions", "/account/sessions/revoke-others", nil), http.StatusSeeOther)
		},
		"idle too long": func(*testing.T, *browser, *browser) { s.clock.Advance(sessiond.DefaultIdleTimeout + time.Second) },
		"unknown token": func(_ *testing.T, _, b *browser) { b.setSession("not-a-token-this-site-ever-issued") },
		"disabled user": func(t *testing.T, _, _ *browser) {
			if err := s.users.Disable(s.mustUser("alice").ID); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, end := range ended {
		t.Run(name, func(t *testing.T) {
			if err := s.users.Enable(s.mustUser("alice").ID); err != nil {
				t.Fatal(err)
			}
			owner, b := s.browser().in(t), s.browser().in(t)
			owner.mustLogin("alice")
			b.mustLogin("alice")
			end(t, owner, b)
			r := b.get("/account")
			if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login?done=ended") {
				t.Fatalf("the account page: got %d to %q, want 303 to /login?done=ended…", r.StatusCode, r.location())
			}
			if page := b.get(r.location()); !strings.Contains(page.body, signedOutNote) {
				t.Errorf("the login page does not say %q", signedOutNote)
			}
			if b.session() != "" {
				t.Errorf("the browser still keeps a session cookie")
			}
		})
	}

	// Loading the login page itself with the dead cookie says so too.
	b := s.browser()
	b.setSession("not-a-token-this-site-ever-issued")
	if page := b.get("/login"); !strings.Contains(page.body, signedOutNote) {
		t.Errorf("the login page loaded with a dead cookie does not say %q", signedOutNote)
	}
	if page := b.get("/login"); strings.Contains(page.body, signedOutNote) {
		t.Errorf("the login page says %q again once the cookie is gone", signedOutNote)
	}

	// Logging out, or never signing in, is not being signed out elsewhere.
	fresh := s.browser()
	wantRedirect(t, "a browser that never signed in", fresh.get("/account"), "/login?next=%2Faccount")
	if err := s.users.Enable(s.mustUser("alice").ID); err != nil {
		t.Fatal(err)
	}
	fresh.mustLogin("alice")
	wantRedirect(t, "log out", fresh.logout(), "/login?done=logout")
	if page := fresh.get("/login?done=logout"); strings.Contains(page.body, signedOutNote) {
		t.Errorf("the page after logging out says %q", signedOutNote)
	}
}

// errorMessage finds the error a page shows.
var errorMessage = regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`)

// wantSentence fails the test unless the page r shows an error that reads
// as a sentence: a capital first, a full stop last.
func wantSentence(t *testing.T, what string, r *reply) {
	t.Helper()
	m := errorMessage.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("%s: no error shown (status %d)", what, r.StatusCode)
	}
	msg := html.UnescapeString(m[1])
	if first := msg[:1]; first != strings.ToUpper(first) || !strings.HasSuffix(msg, ".") {
		t.Errorf("%s: the error %q is not a sentence", what, msg)
	}
}

// TestForms_KeepWhatWasTyped: a form refused by the server comes back with
// a sentence saying why and what was typed in it, but never a password.
func TestForms_KeepWhatWasTyped(t *testing.T) {
	s := newTestSite(t)
	const badPassword = "short pw"
	t.Run("sign-up", func(t *testing.T) {
		r := s.trySignup("", "new.user-1")
		wantRedirect(t, "a good sign-up", r, "/account?done=signup")
		r = s.browser().submit("/signup", "/signup", url.Values{"username": {"new.user-2"}, "password": {badPassword}})
		wantStatus(t, "a short password", r, http.StatusBadRequest)
		wantSentence(t, "a short password", r)
		if !strings.Contains(r.body, `name="username" value="new.user-2"`) || strings.Contains(r.body, badPassword) {
			t.Errorf("the form again: want the username and not the password")
		}
	})
	t.Run("login", func(t *testing.T) {
		next := "/account/sessions"
		r := s.browser().login("new.user-1", badPassword, "remember", "1", "next", next)
		wantStatus(t, "a wrong password", r, http.StatusUnauthorized)
		wantSentence(t, "a wrong password", r)
		for _, want := range []string{`name="username" value="new.user-1"`, `name="remember" value="1" checked`, `name="next" value="` + next + `"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the form again lacks %s", want)
			}
		}
		if strings.Contains(r.body, badPassword) {
			t.Errorf("the form again shows the password")
		}
	})
	t.Run("password change", func(t *testing.T) {
		b := s.browser()
		b.mustLogin("new.user-1")
		r := b.submit("/account/password", "/account/password", url.Values{"current_password": {"not the current one"}, "new_password": {"a brand new passphrase"}})
		wantStatus(t, "a wrong current password", r, http.StatusUnauthorized)
		wantSentence(t, "a wrong current password", r)
		if strings.Contains(r.body, `name="revoke_others" value="1" checked`) {
			t.Errorf("the form again checks the box the user unchecked")
		}
		r = b.submit("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "new_password": {badPassword}, "revoke_others": {"1"}})
		wantStatus(t, "a short new password", r, http.StatusBadRequest)
		wantSentence(t, "a short new password", r)
		if !strings.Contains(r.body, `name="revoke_others" value="1" checked`) || strings.Contains(r.body, badPassword) || strings.Contains(r.body, testPassword) {
			t.Errorf("the form again: want the box checked and no password")
		}
	})
}

// TestPasswordForm_AsksForTheCurrentPassword: the form asks for the
// current password although it needs a fresh login, and says why.
func TestPasswordForm_AsksForTheCurrentPassword(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	page := html.UnescapeString(b.get("/account/password").body)
	if !strings.Contains(page, `name="current_password"`) || !strings.Contains(page, "Your current password is asked for here too") {
		t.Errorf("the password form does not ask for the current password and say why")
	}
}

// setupKeyShown finds the key to type by hand on the enrolment page.
var setupKeyShown = regexp.MustCompile(`<code class="secret">([^<]+)</code>`)

// TestMFA_SetupKeyToType: the enrolment page shows the bare base32 secret,
// besides the QR code and the otpauth:// URI, and typing it (spaces and
// all) into an app works.
func TestMFA_SetupKeyToType(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	page := b.get("/account/mfa")
	shown, uri := setupKeyShown.FindStringSubmatch(page.body), otpauthURI.FindStringSubmatch(page.body)
	if shown == nil || uri == nil || !strings.Contains(page.body, `src="/account/mfa/qr.png"`) {
		t.Fatalf("the enrolment page lacks the key, the otpauth URI or the QR code")
	}
	key, err := otp.NewKeyFromURL(html.UnescapeString(uri[1]))
	if err != nil {
		t.Fatal(err)
	}
	typed := strings.ReplaceAll(shown[1], " ", "")
	if typed != key.Secret() {
		t.Fatalf("the key shown, %q, is not the URI's secret %q", shown[1], key.Secret())
	}
	code, err := totp.GenerateCode(typed, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := b.submit("/account/mfa", "/account/mfa", url.Values{"code": {code}, "revoke_others": {"1"}})
	wantRedirect(t, "enrolment with the typed key", r, "/account?done=mfa")
}

// TestReauth_SaysWhatItAsks: the re-authentication page asks for the
// password, and for a code only of a user with two-step login, in its
// words as in its fields.
func TestReauth_SaysWhatItAsks(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	page := b.get("/reauth?next=%2Faccount")
	if !strings.Contains(page.body, "Enter your password to continue.") || strings.Contains(page.body, `name="code"`) {
		t.Errorf("without two-step login: want the password alone asked for")
	}
	b.enrolTOTP()
	page = b.get("/reauth?next=%2Faccount")
	if !strings.Contains(page.body, "Enter your password and a code from your authenticator app to continue.") || !strings.Contains(page.body, `name="code"`) {
		t.Errorf("with two-step login: want the password and the code asked for")
	}
	r := b.submit("/reauth?next=%2Faccount", "/reauth", url.Values{"password": {testPassword}, "code": {"000000"}, "next": {"/account"}})
	wantStatus(t, "a wrong code", r, http.StatusUnauthorized)
	if !strings.Contains(r.body, "That password or code is not right.") {
		t.Errorf("the refusal does not name both")
	}
}

// TestSignup_PatternMatchesTheServer: the username pattern, whose
// validity under the browser's v flag the browser test checks, accepts
// and refuses what the server does.
func TestSignup_PatternMatchesTheServer(t *testing.T) {
	page := newTestSite(t).browser().get("/signup")
	m := regexp.MustCompile(`pattern="([^"]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("the username field has no pattern")
	}
	pattern := regexp.MustCompile(`^(?:` + html.UnescapeString(m[1]) + `)$`)
	for _, name := range []string{"alice", "a.b-c_d", "A1-", "x y", "al!ce", "ålice", "a/b", `a\b`} {
		if got, want := pattern.MatchString(name), validUsername.MatchString(name); got != want {
			t.Errorf("%q: the form's pattern says %v, the server %v", name, got, want)
		}
	}
}
