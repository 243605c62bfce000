package browser

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The account the flow creates.
const (
	username    = "alice"
	password1   = "correct horse battery"
	password2   = "a brand new passphrase"
	reauthAfter = 15 * time.Second // the server's --reauth-max-age
)

// authenticator is the user's authenticator app. The site accepts the code
// of the current 30-second step and of the steps either side, each once;
// code says which to type next, moving the site's clock on when the steps
// within reach are spent.
type authenticator struct {
	t      *testing.T
	clock  *shiftedClock // the site's
	secret string
	last   int64 // the last step used
}

// code returns a code the site has not seen yet.
func (a *authenticator) code() string {
	a.t.Helper()
	now := a.clock.Now()
	step := now.Unix() / 30
	lowest := step - 1
	if 30-now.Unix()%30 < 5 { // step-1 could be out of reach by the time it arrives
		lowest = step
	}
	use := max(a.last+1, lowest)
	if wait := time.Unix((use-1)*30, 0).Sub(now); wait > 0 {
		a.clock.Advance(wait + 200*time.Millisecond)
	}
	a.last = use
	code, err := totp.GenerateCode(a.secret, time.Unix(use*30, 0))
	if err != nil {
		a.t.Fatal(err)
	}
	return code
}

// passReauth answers the re-authentication page if the site asked for it,
// and returns the page the browser ends on.
func (tb *tab) passReauth(at string, auth *authenticator, pw string) string {
	tb.t.Helper()
	if !strings.HasPrefix(at, "/reauth?") {
		return at
	}
	fields := []string{"password", pw}
	if tb.count(`form[action="/reauth"] input[name="code"]`) > 0 {
		fields = append(fields, "code", auth.code())
	}
	return tb.submit("/reauth", fields...)
}

// checkNothingForScripts checks R13: the session cookie is in the browser
// (and HttpOnly, Secure, SameSite, host-only, not persistent), but neither
// document.cookie nor localStorage nor sessionStorage shows anything of
// the session.
func (tb *tab) checkNothingForScripts() string {
	tb.t.Helper()
	c := tb.cookies()["__Host-session"]
	if c == nil || c.Value == "" {
		tb.t.Fatalf("%s: the browser keeps no session cookie", tb.name)
	}
	if !c.HTTPOnly || !c.Secure || c.SameSite != network.CookieSameSiteLax || c.Path != "/" || c.Domain != "localhost" || !c.Session {
		tb.t.Errorf("%s: session cookie %+v: want HttpOnly, Secure, SameSite=Lax, Path=/, host-only, ending with the browser", tb.name, c)
	}
	script := run(tb, "read storage", chromedp.Evaluate[string](`JSON.stringify({cookie: document.cookie, local: Object.entries(localStorage), session: Object.entries(sessionStorage)})`))
	var seen struct {
		Cookie         string
		Local, Session [][]string
	}
	if err := json.Unmarshal([]byte(script), &seen); err != nil {
		tb.t.Fatal(err)
	}
	if seen.Cookie != "" || len(seen.Local) != 0 || len(seen.Session) != 0 || strings.Contains(script, c.Value) {
		tb.t.Errorf("%s: R13 scripts see %s, want nothing", tb.name, script)
	}
	return c.Value
}

// TestBrowser_Flow_R13 takes a real browser through the demo: sign-up,
// logout, login, two-step enrolment, a two-step login, a second device,
// the devices page, revoking the other device, a password change with
// re-authentication and logout. Along the way it checks that scripts see
// nothing of the session (R13), that a half-finished login opens nothing
// (R26), that a revoked device is signed out (R34), that logout clears the
// browser's cookies (R28, R30) and that no token reaches the logs (R53).
func TestBrowser_Flow_R13(t *testing.T) {
	start := time.Now()
	clock := &shiftedClock{}
	srv := startServer(t, clock, "--reauth-max-age", reauthAfter.String())
	a := &tab{t: t, name: "laptop", ctx: startChromium(t), base: srv.base}
	var tokens []string

	// Sign up, log out, log in.
	a.wantPath("sign-up form", a.open("/signup"), "/signup")
	a.wantPath("sign-up", a.submit("/signup", "username", username, "password", password1), "/account?done=signup")
	if got := a.text("h1"); got != "Hello, "+username {
		t.Errorf("account heading: got %q", got)
	}
	a.wantPath("log out", a.submit("/logout"), "/login?done=logout")
	a.wantPath("log in", a.submit("/login", "username", username, "password", password1), "/account")

	// Turn on two-step login, reading the key as a person typing it would.
	at := a.passReauth(a.open("/account/mfa"), nil, password1)
	a.wantPath("two-step settings", at, "/account/mfa")
	key, err := otp.NewKeyFromURL(a.text("code.uri"))
	if err != nil {
		t.Fatalf("the setup key shown is not an otpauth URI: %v", err)
	}
	if n := a.count(`img[src="/account/mfa/qr.png"]`); n != 1 {
		t.Errorf("QR codes on the page: got %d, want 1", n)
	}
	a.screenshot("mfa-enrol.png")
	auth := &authenticator{t: t, clock: clock, secret: key.Secret()}
	a.wantPath("enrol", a.submit("/account/mfa", "code", auth.code()), "/account?done=mfa")

	// Log out and in again, now with the second step.
	a.wantPath("log out", a.submit("/logout"), "/login?done=logout")
	a.wantPath("password step", a.submit("/login", "username", username, "password", password1), "/login/mfa")
	if got := a.open("/account"); !strings.HasPrefix(got, "/login") {
		t.Errorf("R26: the account page during the second step: the browser is on %q, want the login", got)
	}
	a.open("/login/mfa")
	a.screenshot("login-mfa.png")
	a.wantPath("second step", a.submit("/login/mfa", "code", auth.code()), "/account")
	lastAuth := clock.Now()
	tokens = append(tokens, a.checkNothingForScripts())

	// Another device signs in too.
	b := newDevice(t, a, "phone")
	b.open("/login")
	b.wantPath("phone password step", b.submit("/login", "username", username, "password", password1), "/login/mfa")
	b.wantPath("phone second step", b.submit("/login/mfa", "code", auth.code()), "/account")
	tokens = append(tokens, b.checkNothingForScripts())

	// The laptop sees both and signs the phone out.
	a.wantPath("devices page", a.open("/account/sessions"), "/account/sessions")
	if rows, current := a.count(`tr[data-session-id]`), a.count(`tr[data-current="true"]`); rows != 2 || current != 1 {
		t.Fatalf("devices page: %d rows, %d current; want 2 rows, 1 current", rows, current)
	}
	shot := a.screenshot("devices.png")
	at = a.submit(`/account/sessions/revoke`)
	if strings.HasPrefix(at, "/reauth?") {
		at = a.passReauth(at, auth, password1)
		lastAuth = clock.Now()
		a.wantPath("back to the devices page", at, "/account/sessions")
		at = a.submit(`/account/sessions/revoke`)
	}
	a.wantPath("revoke the phone", at, "/account/sessions?done=revoked")
	if rows := a.count(`tr[data-session-id]`); rows != 1 {
		t.Errorf("devices after the revoke: %d rows, want 1", rows)
	}
	if got := b.open("/account"); !strings.HasPrefix(got, "/login") {
		t.Errorf("the revoked phone: the account page sent it to %q, want the login", got)
	}
	if got := b.text(".notice"); got != "You were signed out on this device. Please log in again." {
		t.Errorf("the revoked phone: the login page's notice is %q", got)
	}
	if c := b.cookies()["__Host-session"]; c != nil {
		t.Errorf("the revoked phone still keeps a session cookie")
	}

	// A password change needs a fresh login: let the last one grow older
	// than --reauth-max-age, so that the site asks.
	if wait := lastAuth.Add(reauthAfter + time.Second).Sub(clock.Now()); wait > 0 {
		clock.Advance(wait)
	}
	at = a.open("/account/password")
	a.wantPath("password page of a stale login", at, "/reauth?next="+url.QueryEscape("/account/password"))
	if !strings.Contains(a.text("main"), "needs a recent login") {
		t.Errorf("the re-authentication page does not say why it asks")
	}
	a.screenshot("reauth.png")
	a.wantPath("re-authenticate", a.passReauth(at, auth, password1), "/account/password")
	a.wantPath("change the password", a.submit("/account/password", "current_password", password1, "new_password", password2), "/account?done=password")
	if got := a.text(".notice"); got != "Your password was changed." {
		t.Errorf("notice: got %q", got)
	}
	tokens = append(tokens, a.checkNothingForScripts())
	a.screenshot("account.png")

	// Log out: the server ends the session and the browser forgets the
	// site's cookies (Clear-Site-Data).
	a.wantPath("log out", a.submit("/logout"), "/login?done=logout")
	if left := a.cookies(); left["__Host-session"] != nil || left["__Host-device"] != nil {
		t.Errorf("R30: cookies after logout: %v", keys(left))
	}
	a.wantPath("old password", a.submit("/login", "username", username, "password", password1), "/login")
	if !strings.Contains(a.text(".error"), "Wrong username or password") {
		t.Errorf("no error shown for the old password")
	}
	a.screenshot("login-error.png")

	// R53: no token reached the server's logs.
	logs := srv.logs.String()
	for _, tok := range tokens {
		if strings.Contains(logs, tok) {
			t.Errorf("R53: a session token is in the server's logs")
		}
	}
	if !strings.Contains(logs, `"session.revoked"`) {
		t.Errorf("the server logged no audit events")
	}
	t.Logf("screenshot of the devices page: %s; the flow took %v", shot, time.Since(start).Round(time.Millisecond))
}

// keys returns the names of the cookies in m.
func keys(m map[string]*network.Cookie) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
