package demo

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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
