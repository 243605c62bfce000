package throttle_test

import (
	"github.com/sessiond/sessiond/internal/fakeclock"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

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
func signIn(t *testing.T, th *throttle.Throttle, account, ip string, r *http.Request) string {
	t.Helper()
	w := httptest.NewRecorder()
	th.Success(w, account, ip, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == throttle.DeviceCookieName {
			return c.Value
		}
	}
	t.Fatalf("Success set no %s cookie", throttle.DeviceCookieName)
	return ""
}

// attempt is a login as the package doc prescribes: Allow, then Failure
// or Success unless refused. It returns Allow's answer.
func attempt(th *throttle.Throttle, account, ip string, r *http.Request, correct bool) (time.Duration, error) {
	wait, err := th.Allow(account, ip, r)
	switch {
	case err != nil:
	case correct:
		th.Success(httptest.NewRecorder(), account, ip, r)
	default:
		th.Failure(account, ip, r)
	}
	return wait, err
}

// failN records n failures for account from ip with r, checking that
// each was allowed.
func failN(t *testing.T, th *throttle.Throttle, n int, account, ip string, r *http.Request) {
	t.Helper()
	for i := range n {
		if _, err := attempt(th, account, ip, r, false); err != nil {
			t.Fatalf("failure %d of %s from %s: Allow = %v, want nil", i+1, account, ip, err)
		}
	}
}

// ip returns a distinct IPv4 address for i.
func ip(i int) string {
	return "198.51." + strconv.Itoa(i/256%256) + "." + strconv.Itoa(i%256)
}

// fail records n failures for account from ip with r without asking
// Allow, to set a scene.
func fail(th *throttle.Throttle, n int, account, ip string, r *http.Request) {
	for range n {
		th.Failure(account, ip, r)
	}
}
