package throttle_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

func TestBackoff_Sequence_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	r := browser("")
	// The wait after each consecutive failure.
	want := []time.Duration{
		0, 0, 0, 0, // free
		1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, 64 * time.Second, 128 * time.Second, 256 * time.Second, 512 * time.Second,
		15 * time.Minute, 15 * time.Minute, 15 * time.Minute, // capped
	}
	for i, w := range want {
		failN(t, th, 1, "alice", "192.0.2.1", r)
		wait, err := check(th, "alice", "192.0.2.1", r)
		if wait != w || (w > 0) != errors.Is(err, throttle.ErrBackoff) {
			t.Fatalf("after failure %d: got %v, %v; want %v and ErrBackoff when waiting", i+1, wait, err, w)
		}
		clk.Advance(w / 4)
		if wait, _ := check(th, "alice", "192.0.2.1", r); wait != w-w/4 {
			t.Fatalf("a quarter into wait %d: got %v, want %v", i+1, wait, w-w/4)
		}
		clk.Advance(w - w/4)
	}
}

func TestBackoff_SuccessResets_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	r := browser("")
	fail(t, th, clk, 7, "alice", "192.0.2.1", r)
	clk.Advance(4 * time.Second)
	if _, err := attempt(th, "alice", "192.0.2.1", r, true); err != nil {
		t.Fatalf("login after the wait: got %v, want nil", err)
	}
	failN(t, th, 4, "alice", "192.0.2.1", r) // four free failures again
	if wait, err := check(th, "alice", "192.0.2.1", r); err != nil {
		t.Fatalf("after 4 failures since the success: got %v, %v; want no wait", wait, err)
	}
}

func TestBackoff_PerClientAndAccount_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	failN(t, th, 5, "alice", "192.0.2.1", browser(""))
	cases := []struct {
		name, account, ip string
		want              error
	}{
		{"same client, same account", "alice", "192.0.2.1", throttle.ErrBackoff},
		{"other client", "alice", "192.0.2.2", nil},
		{"other account", "bob", "192.0.2.1", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := check(th, c.account, c.ip, browser("")); !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestBackoff_RefusedAttemptsDoNotCount_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	r := browser("")
	failN(t, th, 5, "alice", "192.0.2.1", r)
	for range 50 {
		if _, err := attempt(th, "alice", "192.0.2.1", r, false); !errors.Is(err, throttle.ErrBackoff) {
			t.Fatalf("during the wait: got %v, want ErrBackoff", err)
		}
		clk.Advance(10 * time.Millisecond)
	}
	clk.Advance(500 * time.Millisecond)
	failN(t, th, 1, "alice", "192.0.2.1", r)
	if wait, _ := check(th, "alice", "192.0.2.1", r); wait != 2*time.Second {
		t.Errorf("after the 6th failure: got wait %v, want 2s as if the refused attempts never happened", wait)
	}
}

func TestBackoff_ForgottenAfterResetAfter_R55(t *testing.T) {
	cases := []struct {
		name  string
		pause time.Duration
		want  time.Duration // after one more failure
	}{
		{"just before", throttle.DefaultResetAfter - time.Second, 16 * time.Second},
		{"at ResetAfter", throttle.DefaultResetAfter, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th, clk := newThrottle(throttle.Config{})
			fail(t, th, clk, 8, "alice", "192.0.2.1", browser(""))
			clk.Advance(c.pause)
			failN(t, th, 1, "alice", "192.0.2.1", browser(""))
			if wait, _ := check(th, "alice", "192.0.2.1", browser("")); wait != c.want {
				t.Errorf("got wait %v, want %v", wait, c.want)
			}
		})
	}
}

func TestBackoff_KnownDeviceHasItsOwn_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	owner := browser(signIn(t, th, "alice", "192.0.2.1", browser("")))
	// A guesser behind the owner's address.
	fail(t, th, clk, 10, "alice", "192.0.2.1", browser(""))
	if _, err := check(th, "alice", "192.0.2.1", browser("")); !errors.Is(err, throttle.ErrBackoff) {
		t.Fatalf("guesser: got %v, want ErrBackoff", err)
	}
	if wait, err := check(th, "alice", "192.0.2.1", owner); err != nil {
		t.Fatalf("owner on the same address: got %v, %v; want no wait", wait, err)
	}
	// The owner's own mistakes still slow the owner down.
	failN(t, th, 5, "alice", "192.0.2.1", owner)
	if _, err := check(th, "alice", "192.0.2.1", owner); !errors.Is(err, throttle.ErrBackoff) {
		t.Errorf("owner after 5 failures: got %v, want ErrBackoff", err)
	}
}
