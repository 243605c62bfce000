package demo

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/throttle"
)

// tooMany is the generic message of a refused login.
const tooMany = "Too many attempts. Please wait a moment and try again."

// wantRefused fails the test unless r is the generic 429 of a refused login.
func wantRefused(t *testing.T, what string, r *reply) {
	t.Helper()
	wantStatus(t, what, r, http.StatusTooManyRequests)
	if !strings.Contains(r.body, tooMany) || r.Header.Get("Retry-After") == "" {
		t.Errorf("%s: want the generic message and a Retry-After, got Retry-After %q", what, r.Header.Get("Retry-After"))
	}
	for _, leak := range []string{"alice", "locked", "exist"} {
		if strings.Contains(strings.ToLower(withoutToken(r.body)), leak) {
			t.Errorf("%s: the refusal mentions %q", what, leak)
		}
	}
}

func TestLogin_Backoff_R55(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")
	b := s.browser()
	tok := b.token("/login")
	attempt := func(pw string) *reply {
		return b.post("/login", url.Values{"username": {"alice"}, "password": {pw}, "csrf_token": {tok}})
	}
	for i := range throttle.DefaultFreeFailures {
		wantStatus(t, fmt.Sprintf("failure %d", i+1), attempt("wrong password"), http.StatusUnauthorized)
	}
	wantRefused(t, "attempt after 5 failures", attempt("wrong password"))
	wantRefused(t, "right password while refused", attempt(testPassword))
	for range 3 {
		wantRefused(t, "more refused attempts", attempt("wrong password"))
	}
	// Had the refused attempts counted, the wait would now be 2^4 s.
	s.clock.Advance(throttle.DefaultBaseDelay + 500*time.Millisecond)
	wantRedirect(t, "right password after the wait", attempt(testPassword), "/account")
}

func TestLogin_BackoffSameForUnknownUser_R50_R55(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")
	refusal := map[string]*reply{}
	for _, name := range []string{"alice", "nobody-here"} {
		b := s.browser()
		b.ip = ""
		tok := b.token("/login")
		for range throttle.DefaultFreeFailures {
			b.post("/login", url.Values{"username": {name}, "password": {"wrong password"}, "csrf_token": {tok}})
		}
		refusal[name] = b.post("/login", url.Values{"username": {name}, "password": {"wrong password"}, "csrf_token": {tok}})
		wantStatus(t, name, refusal[name], http.StatusTooManyRequests)
	}
	a, n := refusal["alice"], refusal["nobody-here"]
	if withoutToken(a.body) != withoutToken(n.body) || a.Header.Get("Retry-After") != n.Header.Get("Retry-After") {
		t.Errorf("refusals differ for an existing and an unknown user")
	}
}

func TestLogin_AccountCapSparesKnownBrowser_R55(t *testing.T) {
	s := newTestSite(t, trustLoopbackProxy)
	s.browser().signup("alice")
	owner := s.browser()
	owner.mustLogin("alice")
	if owner.cookieValue(throttle.DeviceCookieName) == "" {
		t.Fatal("a successful login set no device cookie")
	}
	s.clock.Advance(31 * time.Minute) // the owner's session idles out; the device cookie stays

	// 100 failures from 20 addresses, 5 each: none of them is backed off.
	for i := range throttle.DefaultAccountLimit / throttle.DefaultFreeFailures {
		attacker := s.browser()
		attacker.ip = fmt.Sprintf("198.51.%d.%d", 100+i, i+1)
		tok := attacker.token("/login")
		for range throttle.DefaultFreeFailures {
			r := attacker.post("/login", url.Values{"username": {"alice"}, "password": {"guess"}, "csrf_token": {tok}})
			wantStatus(t, "guess", r, http.StatusUnauthorized)
		}
	}
	newcomer := s.browser()
	newcomer.ip = "203.0.113.7"
	wantRefused(t, "a new browser with the right password", newcomer.login("alice", testPassword))
	wantRedirect(t, "the owner's browser", owner.login("alice", testPassword), "/account")
	wantRedirect(t, "another account from the new browser", func() *reply {
		s.browser().signup("bob")
		return newcomer.login("bob", testPassword)
	}(), "/account")

	s.clock.Advance(throttle.DefaultAccountWindow + throttle.DefaultAccountWindow/10 + time.Minute)
	fresh := s.browser()
	fresh.ip = "203.0.113.8"
	wantRedirect(t, "a new browser after the window", fresh.login("alice", testPassword), "/account")
}

func TestMFA_NoDeviceCookieBeforeSecondStep_R55(t *testing.T) {
	s := newTestSite(t)
	secret := mfaUser(t, s)
	b := s.browser()
	r := b.login("alice", testPassword)
	wantRedirect(t, "password step", r, "/login/mfa")
	if r.cookie(throttle.DeviceCookieName) != nil {
		t.Errorf("the password step alone marked the browser as a known device")
	}
	r = b.secondStep(s.code(secret))
	wantRedirect(t, "second step", r, "/account")
	if r.cookie(throttle.DeviceCookieName) == nil {
		t.Errorf("the finished login set no device cookie")
	}
}

func TestMFA_WrongCodesThrottled_R55(t *testing.T) {
	s := newTestSite(t)
	secret := mfaUser(t, s)
	b := s.browser()
	wrong := "000000"
	if s.code(secret) == wrong {
		wrong = "111111"
	}
	// Someone who knows the password guesses codes, five per pending login,
	// and keeps a second pending login ready.
	spare := s.browser()
	wantRedirect(t, "spare password step", spare.login("alice", testPassword), "/login/mfa")
	wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
	for range maxCodeTries {
		wantStatus(t, "wrong code", b.secondStep(wrong), http.StatusUnauthorized)
	}
	wantRefused(t, "a new pending login right after five wrong codes", b.login("alice", testPassword))
	r := spare.secondStep(wrong)
	wantStatus(t, "a code on the spare pending login", r, http.StatusTooManyRequests)
	if !strings.Contains(r.body, tooMany) || !strings.Contains(r.body, `action="/login/mfa"`) {
		t.Errorf("refused code: want the second-step page with the generic message")
	}
	s.clock.Advance(throttle.DefaultBaseDelay + 500*time.Millisecond)
	wantRedirect(t, "password step after the wait", b.login("alice", testPassword), "/login/mfa")
	wantStatus(t, "a sixth wrong code", b.secondStep(wrong), http.StatusUnauthorized)
	wantRefused(t, "a new pending login after six wrong codes", b.login("alice", testPassword))
}

// guessAtOnce sends 16 wrong guesses for alice at once from one address:
// ready, called for each, returns the browser to send it from, the path
// and the form. The site's throttle
// reads throttleClock, whose Burst makes every guess pass the throttle's
// check before any failure is recorded, as a password check of 0.2 s
// would. It fails the test unless no more guesses were checked (401) than
// one at a time would allow (5), and the rest were refused (429) with the
// generic message and a Retry-After.
func guessAtOnce(t *testing.T, throttleClock *clock, ready func() (*browser, string, url.Values)) {
	t.Helper()
	const n = 16
	browsers, paths, forms := make([]*browser, n), make([]string, n), make([]url.Values, n)
	for i := range n {
		browsers[i], paths[i], forms[i] = ready()
	}
	replies := make([]*reply, n)
	throttleClock.Burst(n, func(i int) { replies[i] = browsers[i].post(paths[i], forms[i]) })
	answers := map[int]int{}
	for _, r := range replies {
		answers[r.StatusCode]++
		if r.StatusCode == http.StatusTooManyRequests && (r.Header.Get("Retry-After") == "" || !strings.Contains(r.body, tooMany)) {
			t.Errorf("a refused guess at %s: Retry-After %q, body without the generic message", r.Request.URL.Path, r.Header.Get("Retry-After"))
		}
	}
	if want := n - throttle.DefaultFreeFailures; answers[http.StatusTooManyRequests] < want || answers[http.StatusTooManyRequests]+answers[http.StatusUnauthorized] != n {
		t.Errorf("%d guesses at once: got %v (status: count), want at least %d 429s and the rest 401s", n, answers, want)
	}
}

// newBurstSite starts a site whose login throttle reads a clock of its
// own, which it returns, for guessAtOnce.
func newBurstSite(t *testing.T) (*testSite, *clock) {
	throttleClock := fakeclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := newTestSiteWith(t, nil, func(c *Config) { c.Throttle = throttle.New(throttle.Config{Now: throttleClock.Now}) })
	return s, throttleClock
}

// TestThrottle_ConcurrentGuesses_R55 sends 16 wrong guesses at once to each
// form the throttle guards: the login's password from new browsers, the
// second step's code from as many pending logins, and re-authentication's
// password from one signed-in browser. However long checking takes, no
// more are checked than one at a time would be.
func TestThrottle_ConcurrentGuesses_R55(t *testing.T) {
	t.Run("login", func(t *testing.T) {
		s, throttleClock := newBurstSite(t)
		s.browser().signup("alice")
		guessAtOnce(t, throttleClock, func() (*browser, string, url.Values) {
			b := s.browser()
			return b, "/login", url.Values{"username": {"alice"}, "password": {"wrong password"}, "csrf_token": {b.token("/login")}}
		})
	})
	t.Run("second step", func(t *testing.T) {
		s, throttleClock := newBurstSite(t)
		secret := mfaUser(t, s)
		wrong := "000000"
		if s.code(secret) == wrong {
			wrong = "111111"
		}
		guessAtOnce(t, throttleClock, func() (*browser, string, url.Values) {
			b := s.browser()
			wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
			return b, "/login/mfa", url.Values{"code": {wrong}, "csrf_token": {b.token("/login/mfa")}}
		})
	})
	t.Run("re-authentication", func(t *testing.T) {
		s, throttleClock := newBurstSite(t)
		b := s.browser()
		b.signup("alice")
		b.logout()
		b.mustLogin("alice") // now a browser the throttle knows
		form := url.Values{"password": {"wrong password"}, "next": {"/account"}, "csrf_token": {b.token("/reauth?next=%2Faccount")}}
		guessAtOnce(t, throttleClock, func() (*browser, string, url.Values) { return b, "/reauth", form })
	})
}
