package throttle_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

// guess makes n failures for account, each from a new address, so that
// no client reaches its backoff.
func guess(t *testing.T, th *throttle.Throttle, n, from int, account string) {
	t.Helper()
	for i := range n {
		failN(t, th, 1, account, ip(from+i), browser(""))
	}
}

func TestAccountLimit_RefusesUnknownBrowsersOnly_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	alice := signIn(t, th, "alice", "192.0.2.1", browser(""))
	bob := signIn(t, th, "bob", "192.0.2.1", browser(""))
	both := signIn(t, th, "alice", "192.0.2.1", browser(bob))
	other, _ := newThrottle(throttle.Config{}) // another key
	foreign := signIn(t, other, "alice", "192.0.2.1", browser(""))
	guess(t, th, 99, 0, "alice")
	if _, err := check(th, "alice", "203.0.113.9", browser("")); err != nil {
		t.Fatalf("after 99 failures: got %v, want nil", err)
	}
	guess(t, th, 1, 99, "alice")

	cases := []struct {
		name, device string
		want         error
	}{
		{"new browser", "", throttle.ErrAccountLocked},
		{"device of the account", alice, nil},
		{"device of the account and another", both, nil},
		{"device of another account", bob, throttle.ErrAccountLocked},
		{"device under another key", foreign, throttle.ErrAccountLocked},
		{"tampered device", tamper(alice), throttle.ErrAccountLocked},
		{"truncated device", alice[:len(alice)-1], throttle.ErrAccountLocked},
		{"garbage", "not a device cookie", throttle.ErrAccountLocked},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wait, err := check(th, "alice", "203.0.113.9", browser(c.device))
			if !errors.Is(err, c.want) || (err != nil) != (wait > 0) {
				t.Errorf("got %v, %v; want %v", wait, err, c.want)
			}
		})
	}
	t.Run("other accounts", func(t *testing.T) {
		if _, err := check(th, "bob", "203.0.113.9", browser("")); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
}

// tamper flips one character of a device cookie's last tag.
func tamper(v string) string {
	i := strings.LastIndexByte(v, '.') + 3
	c := byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}

func TestAccountLimit_WindowExpiryReleases_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	guess(t, th, 60, 0, "alice")
	clk.Advance(30 * time.Minute)
	guess(t, th, 40, 60, "alice")
	wait, err := check(th, "alice", "203.0.113.9", browser(""))
	if !errors.Is(err, throttle.ErrAccountLocked) {
		t.Fatalf("after 100 failures: got %v, want ErrAccountLocked", err)
	}
	// The first 60 failures leave after an hour (and at most a tenth of
	// one more); then 40 remain, under the limit.
	if wait < 30*time.Minute || wait > 36*time.Minute {
		t.Errorf("wait: got %v, want 30 to 36 minutes", wait)
	}
	clk.Advance(wait - time.Nanosecond)
	if _, err := check(th, "alice", "203.0.113.9", browser("")); !errors.Is(err, throttle.ErrAccountLocked) {
		t.Errorf("just before the wait ends: got %v, want ErrAccountLocked", err)
	}
	clk.Advance(time.Nanosecond)
	if wait, err := check(th, "alice", "203.0.113.9", browser("")); err != nil {
		t.Errorf("when the wait ends: got %v, %v; want nil", wait, err)
	}
}

func TestAccountLimit_RefusedAttemptsDoNotCount_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	guess(t, th, 100, 0, "alice")
	wait, _ := check(th, "alice", "203.0.113.9", browser(""))
	for i := range 500 {
		attempt(th, "alice", ip(1000+i), browser(""), false)
	}
	clk.Advance(wait)
	if _, err := check(th, "alice", "203.0.113.9", browser("")); err != nil {
		t.Errorf("after the first wait: got %v, want nil: refused attempts must not prolong it", err)
	}
}

func TestAccountLimit_KnownDeviceFailuresCount_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	// 20 of the owner's browsers, each failing up to its backoff.
	for range throttle.DefaultAccountLimit / throttle.DefaultFreeFailures {
		owner := browser(signIn(t, th, "alice", "192.0.2.1", browser("")))
		failN(t, th, throttle.DefaultFreeFailures, "alice", "192.0.2.1", owner)
	}
	if _, err := check(th, "alice", "203.0.113.9", browser("")); !errors.Is(err, throttle.ErrAccountLocked) {
		t.Errorf("new browser after 100 failures of a known one: got %v, want ErrAccountLocked", err)
	}
}
