package throttle_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

func TestClientLimit_RefusesAddressAcrossAccounts_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	known := signIn(t, th, "carol", "192.0.2.1", browser(""))
	for i := range 300 {
		failN(t, th, 1, "user"+strconv.Itoa(i), "192.0.2.1", browser(""))
	}
	cases := []struct {
		name, account, ip, device string
		want                      error
	}{
		{"new account, same address", "dave", "192.0.2.1", "", throttle.ErrClientLimited},
		{"new account, other address", "dave", "192.0.2.2", "", nil},
		{"known device, same address", "carol", "192.0.2.1", known, nil},
		{"known device of another account", "dave", "192.0.2.1", known, throttle.ErrClientLimited},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := check(th, c.account, c.ip, browser(c.device)); !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
	t.Run("released after the window", func(t *testing.T) {
		clk.Advance(throttle.DefaultClientWindow + throttle.DefaultClientWindow/10)
		if _, err := check(th, "dave", "192.0.2.1", browser("")); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
}

func TestClientLimit_Configurable_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{ClientLimit: 3, ClientWindow: time.Minute})
	for i := range 3 {
		failN(t, th, 1, "user"+strconv.Itoa(i), "192.0.2.1", browser(""))
	}
	wait, err := check(th, "dave", "192.0.2.1", browser(""))
	if !errors.Is(err, throttle.ErrClientLimited) || wait <= time.Minute-time.Minute/10 || wait > time.Minute+time.Minute/10 {
		t.Fatalf("got %v, %v; want ErrClientLimited for about a minute", wait, err)
	}
	clk.Advance(wait)
	if _, err := check(th, "dave", "192.0.2.1", browser("")); err != nil {
		t.Errorf("after the wait: got %v, want nil", err)
	}
}

func TestClientLimit_AddressesCountByPrefix_R55(t *testing.T) {
	cases := []struct {
		name, first, second string
		shared              bool
	}{
		{"same IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true},
		{"other IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"IPv6 zone ignored", "fe80::1%eth0", "fe80::2", true},
		{"IPv4-mapped", "192.0.2.1", "::ffff:192.0.2.1", true},
		{"IPv4 neighbours", "192.0.2.1", "192.0.2.2", false},
		{"not an address", "client-a", "client-a", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th, _ := newThrottle(throttle.Config{})
			failN(t, th, 5, "alice", c.first, browser(""))
			_, err := check(th, "alice", c.second, browser(""))
			if got := errors.Is(err, throttle.ErrBackoff); got != c.shared {
				t.Errorf("got backoff shared %v (%v), want %v", got, err, c.shared)
			}
		})
	}
}

func TestBegin_ReportsTheLongestWait_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	fail(t, th, clk, 6, "alice", "192.0.2.1", browser("")) // backoff of 2 s
	guess(t, th, 94, 0, "alice")                           // 100 for the account
	wait, err := check(th, "alice", "192.0.2.1", browser(""))
	if !errors.Is(err, throttle.ErrAccountLocked) || wait < time.Hour {
		t.Errorf("got %v, %v; want ErrAccountLocked for an hour or more", wait, err)
	}
}
