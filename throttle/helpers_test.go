package throttle_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/throttle"
)

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// newClock returns a clock for one test.
func newClock() *clock { return fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) }

// newThrottle returns a Throttle for cfg on a fake clock.
func newThrottle(cfg throttle.Config) (*throttle.Throttle, *clock) {
	clk := newClock()
	cfg.Now = clk.Now
	return throttle.New(cfg), clk
}

// browser is a request from a browser holding the given device cookie
// ("" for none).
func browser(device string) *http.Request {
	r := httptest.NewRequest("POST", "/login", nil)
	if device != "" {
		r.AddCookie(&http.Cookie{Name: throttle.DeviceCookieName, Value: device})
	}
	return r
}

// signIn records a success and returns the device cookie it set.
func signIn(t testing.TB, th *throttle.Throttle, account, ip string, r *http.Request) string {
	t.Helper()
	a, _, err := th.Begin(account, ip, r)
	if err != nil {
		t.Fatalf("sign-in to %s from %s: Begin = %v, want nil", account, ip, err)
	}
	w := httptest.NewRecorder()
	a.Succeed(w)
	for _, c := range w.Result().Cookies() {
		if c.Name == throttle.DeviceCookieName {
			return c.Value
		}
	}
	t.Fatalf("Succeed set no %s cookie", throttle.DeviceCookieName)
	return ""
}

// attempt is a login as the package doc prescribes: Begin, then Fail or
// Succeed unless refused. It returns Begin's answer.
func attempt(th *throttle.Throttle, account, ip string, r *http.Request, correct bool) (time.Duration, error) {
	a, wait, err := th.Begin(account, ip, r)
	if err != nil {
		return wait, err
	}
	defer a.Release()
	if correct {
		a.Succeed(httptest.NewRecorder())
	} else {
		a.Fail()
	}
	return 0, nil
}

// check reports what Begin would answer, without leaving an attempt: the
// one it begins is released at once.
func check(th *throttle.Throttle, account, ip string, r *http.Request) (time.Duration, error) {
	a, wait, err := th.Begin(account, ip, r)
	if a != nil {
		a.Release()
	}
	return wait, err
}

// failN records n failures for account from ip with r, checking that
// each was allowed.
func failN(t testing.TB, th *throttle.Throttle, n int, account, ip string, r *http.Request) {
	t.Helper()
	for i := range n {
		if _, err := attempt(th, account, ip, r, false); err != nil {
			t.Fatalf("failure %d of %s from %s: Begin = %v, want nil", i+1, account, ip, err)
		}
	}
}

// fail records n failures for account from ip with r, waiting out on clk
// the backoff before each, to set a scene.
func fail(t testing.TB, th *throttle.Throttle, clk *clock, n int, account, ip string, r *http.Request) {
	t.Helper()
	for range n {
		if wait, _ := check(th, account, ip, r); wait > 0 {
			clk.Advance(wait)
		}
		failN(t, th, 1, account, ip, r)
	}
}

// ip returns a distinct IPv4 address for i.
func ip(i int) string {
	return "198.51." + strconv.Itoa(i/256%256) + "." + strconv.Itoa(i%256)
}
