package browser

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp"
)

// phoneWidths are the viewport widths of common phones, in CSS pixels,
// from the narrowest to the widest; screenshots are taken at shotWidth.
var phoneWidths = []int64{360, 375, 390}

// shotWidth is the width of the phone screenshots.
const shotWidth = 375

// overflowScript finds what a phone would have to scroll sideways for: a
// page wider than the viewport, or an element that reaches past either
// edge (also one that an overflow: hidden parent cuts off). An element
// inside a box that scrolls sideways itself (overflow-x auto or scroll,
// as the admin UI's wide tables are) is reached by scrolling that box,
// not the page: only the box must fit. It answers "" when everything
// fits.
const overflowScript = `(() => {
	const w = window.innerWidth, page = document.documentElement.scrollWidth;
	if (page > w) return 'the page is ' + page + ' px wide';
	const scrolls = (el) => {
		for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
			const x = getComputedStyle(a).overflowX;
			if (x === 'auto' || x === 'scroll') return true;
		}
		return false;
	};
	for (const el of document.body.querySelectorAll('*')) {
		const r = el.getBoundingClientRect();
		if (r.width > 0 && (r.left < -0.5 || r.right > w + 0.5) && !scrolls(el)) {
			const what = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
			return what + ' "' + el.textContent.trim().slice(0, 40) + '" spans ' + Math.round(r.left) + ' to ' + Math.round(r.right) + ' px';
		}
	}
	return '';
})()`

// fitsPhones checks the page the tab shows at every phone width: nothing
// sticks out sideways. It takes a screenshot at shotWidth named after the
// page and leaves the tab at that width.
func (tb *tab) fitsPhones(name string) {
	tb.t.Helper()
	for _, w := range phoneWidths {
		tb.phone(w)
		// A phone zooms out to show a page wider than the screen, and lays
		// out one without a viewport meta tag for a desktop: either way
		// innerWidth grows past the screen's width.
		if got := run(tb, "viewport width", chromedp.Evaluate[int64](`window.innerWidth`)); got != w {
			tb.t.Errorf("%s at %d px: %s is zoomed out to %d px", name, w, tb.path(), got)
		} else if what := run(tb, "overflow", chromedp.Evaluate[string](overflowScript)); what != "" {
			tb.t.Errorf("%s at %d px: %s: %s, wider than the screen", name, w, tb.path(), what)
		}
	}
	tb.phone(shotWidth)
	tb.screenshot("phone-" + name + ".png")
}

// phone makes the tab a phone's, width CSS pixels wide, held upright.
func (tb *tab) phone(width int64) {
	tb.t.Helper()
	tb.do("phone viewport", chromedp.EmulateViewport(width, 780, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
}

// TestBrowser_FitsPhones opens every page of the demo at the widths of
// phones, 360 to 390 px: none may need sideways scrolling, and the log-out
// button (R29) must be on the screen.
func TestBrowser_FitsPhones(t *testing.T) {
	clock := &shiftedClock{}
	srv := startServer(t, clock)
	a := &tab{t: t, name: "phone", ctx: startChromium(t), base: srv.base}
	a.phone(shotWidth)

	a.open("/")
	a.fitsPhones("home")
	a.open("/no-such-page")
	a.fitsPhones("not-found")
	a.open("/signup")
	a.fitsPhones("signup")
	a.wantPath("sign-up", a.submit("/signup", "username", username, "password", password1), "/account?done=signup")
	a.fitsPhones("account")
	if n := a.count(`form[action="/logout"] button`); n != 1 {
		t.Fatalf("R29: log-out buttons on the account page: got %d, want 1", n)
	}

	// Another device, with a long User-Agent, fills the devices page.
	b := newDevice(t, a, "desktop")
	b.open("/login")
	b.wantPath("desktop login", b.submit("/login", "username", username, "password", password1), "/account")
	a.open("/account/sessions")
	a.fitsPhones("devices")
	a.open("/account/password")
	a.fitsPhones("password")
	a.open("/reauth?next=%2Faccount%2Fmfa")
	a.fitsPhones("reauth")
	a.open("/account/mfa")
	a.fitsPhones("mfa-enrol")
	key, err := otp.NewKeyFromURL(a.text("code.uri"))
	if err != nil {
		t.Fatalf("the setup key shown is not an otpauth URI: %v", err)
	}
	auth := &authenticator{t: t, clock: clock, secret: key.Secret()}
	a.wantPath("enrol", a.submit("/account/mfa", "code", auth.code()), "/account?done=mfa")
	a.open("/account/mfa")
	a.fitsPhones("mfa-on")
	a.wantPath("log out", a.submit("/logout"), "/login?done=logout")
	a.fitsPhones("login")
	a.wantPath("password step", a.submit("/login", "username", username, "password", password1), "/login/mfa")
	a.fitsPhones("login-mfa")
	a.wantPath("wrong code", a.submit("/login/mfa", "code", "000000"), "/login/mfa")
	a.fitsPhones("login-mfa-error")
}

// TestBrowser_AdminFitsPhones opens the admin UI's pages, signed out and
// signed in with a session listed, at the widths of phones: none may need
// sideways scrolling, and the operator's log-out button must be on the
// screen.
func TestBrowser_AdminFitsPhones(t *testing.T) {
	srv := startServer(t, nil)
	user := &tab{t: t, name: "user", ctx: startChromium(t), base: srv.base}
	user.open("/signup")
	user.wantPath("sign-up", user.submit("/signup", "username", username, "password", password1), "/account?done=signup")

	op := newDevice(t, user, "operator")
	op.phone(shotWidth)
	op.open("/admin/login")
	op.fitsPhones("admin-login")
	op.wantPath("admin login", op.submit("/admin/login", "username", srv.operator, "password", srv.password), "/admin/")
	op.fitsPhones("admin-sessions")
	if n := op.count(`form[action="/admin/logout"] button`); n != 1 {
		t.Fatalf("log-out buttons on the admin UI: got %d, want 1", n)
	}
	op.open("/admin/users")
	op.fitsPhones("admin-users")
	op.open("/admin/audit")
	op.fitsPhones("admin-audit")
}
