package throttle_test

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

// TestThrottle_Concurrent_R55 runs many logins at once (run it with
// -race); afterwards the owner's known browser still gets in.
func TestThrottle_Concurrent_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{MaxEntries: 64})
	owner := browser(signIn(t, th, "alice", "192.0.2.1", browser("")))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				account := "user" + strconv.Itoa(i%20)
				if i%3 == 0 {
					account = "alice"
				}
				r := browser("")
				attempt(th, account, ip(g*1000+i), r, i%50 == 0)
				th.KnownDevice(r, account)
				if i%100 == 0 {
					clk.Advance(time.Second)
				}
			}
		})
	}
	wg.Wait()
	if _, err := check(th, "alice", "203.0.113.9", browser("")); !errors.Is(err, throttle.ErrAccountLocked) {
		t.Errorf("new browser for alice: got %v, want ErrAccountLocked", err)
	}
	if wait, err := check(th, "alice", "203.0.113.9", owner); err != nil {
		t.Errorf("alice's own browser: got %v, %v; want nil", wait, err)
	}
}

// beginAtOnce calls Begin from n goroutines at once, for account(i) from
// address(i), and returns what each got once all have begun: the attempts
// that went ahead are all still in flight, as while their passwords are
// checked.
func beginAtOnce(th *throttle.Throttle, n int, account, address func(i int) string) ([]*throttle.Attempt, []error) {
	attempts, errs := make([]*throttle.Attempt, n), make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			attempts[i], _, errs[i] = th.Begin(account(i), address(i), browser(""))
		})
	}
	close(start)
	wg.Wait()
	return attempts, errs
}

// TestBegin_ConcurrentAttemptsCannotPassALimit_R55 begins many attempts
// at once, so that all are in flight together, as when each spends 0.2 s
// on its password hash: no more go ahead than one at a time would, for
// the backoff of one client at one account, for the account's cap and for
// the address's cap.
func TestBegin_ConcurrentAttemptsCannotPassALimit_R55(t *testing.T) {
	same := func(s string) func(int) string { return func(int) string { return s } }
	numbered := func(prefix string) func(int) string {
		return func(i int) string { return prefix + strconv.Itoa(i) }
	}
	cases := []struct {
		name             string
		n                int
		account, address func(int) string
		ahead            int
		refused          error
	}{
		{"one client, one account", 16, same("alice"), same("192.0.2.1"), throttle.DefaultFreeFailures, throttle.ErrBackoff},
		{"one account, many clients", 150, same("alice"), ip, throttle.DefaultAccountLimit, throttle.ErrAccountLocked},
		{"one client, many accounts", 400, numbered("user"), same("192.0.2.1"), throttle.DefaultClientLimit, throttle.ErrClientLimited},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th, _ := newThrottle(throttle.Config{})
			attempts, errs := beginAtOnce(th, c.n, c.account, c.address)
			ahead := 0
			for i, a := range attempts {
				switch {
				case a != nil:
					ahead++
				case !errors.Is(errs[i], c.refused):
					t.Errorf("attempt %d: got %v, want %v", i, errs[i], c.refused)
				}
			}
			if ahead != c.ahead {
				t.Errorf("%d attempts at once: %d went ahead, want %d", c.n, ahead, c.ahead)
			}
			for _, a := range attempts {
				if a != nil {
					a.Fail()
				}
			}
			if _, err := check(th, c.account(c.n), c.address(c.n), browser("")); !errors.Is(err, c.refused) {
				t.Errorf("after the failures: got %v, want %v", err, c.refused)
			}
		})
	}
}

// TestAttempt_InFlightCountsUntilItEnds_R55: an attempt in flight holds
// its place until it ends; released, it counts for nothing; failed, it
// counts once, and nothing called after the end changes that.
func TestAttempt_InFlightCountsUntilItEnds_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	var held []*throttle.Attempt
	for range throttle.DefaultFreeFailures {
		a, _, err := th.Begin("alice", "192.0.2.1", browser(""))
		if err != nil {
			t.Fatalf("attempt in flight: got %v, want nil", err)
		}
		held = append(held, a)
	}
	if wait, err := check(th, "alice", "192.0.2.1", browser("")); !errors.Is(err, throttle.ErrBackoff) || wait != throttle.DefaultBaseDelay {
		t.Fatalf("with 5 attempts in flight: got %v, %v; want ErrBackoff for %v", wait, err, throttle.DefaultBaseDelay)
	}
	for _, a := range held {
		a.Release()
		a.Fail() // ended already: does nothing
	}
	if wait, err := check(th, "alice", "192.0.2.1", browser("")); err != nil {
		t.Fatalf("after releasing them: got %v, %v; want nil", wait, err)
	}
	a, _, err := th.Begin("alice", "192.0.2.1", browser(""))
	if err != nil {
		t.Fatal(err)
	}
	a.Fail()
	a.Fail()
	a.Succeed(nil)
	a.Release()
	failN(t, th, throttle.DefaultFreeFailures-2, "alice", "192.0.2.1", browser(""))
	if wait, err := check(th, "alice", "192.0.2.1", browser("")); err != nil {
		t.Fatalf("after 4 failures: got %v, %v; want nil", wait, err)
	}
	failN(t, th, 1, "alice", "192.0.2.1", browser(""))
	if _, err := check(th, "alice", "192.0.2.1", browser("")); !errors.Is(err, throttle.ErrBackoff) {
		t.Errorf("after 5 failures: got %v, want ErrBackoff", err)
	}
}

// TestBegin_InFlightDoesNotReviveAForgottenRun_R55: attempts in flight
// add to a client's current run of failures, not to one it has been
// forgiven.
func TestBegin_InFlightDoesNotReviveAForgottenRun_R55(t *testing.T) {
	th, clk := newThrottle(throttle.Config{})
	fail(t, th, clk, 8, "alice", "192.0.2.1", browser(""))
	clk.Advance(throttle.DefaultResetAfter)
	attempts, errs := beginAtOnce(th, throttle.DefaultFreeFailures, func(int) string { return "alice" }, func(int) string { return "192.0.2.1" })
	for i, a := range attempts {
		if a == nil {
			t.Errorf("attempt %d after the run was forgotten: got %v, want nil", i, errs[i])
			continue
		}
		a.Release()
	}
}

func TestThrottle_EvictionOnlyForgets_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{MaxEntries: 10})
	failN(t, th, 5, "alice", "192.0.2.1", browser(""))
	if _, err := check(th, "alice", "192.0.2.1", browser("")); !errors.Is(err, throttle.ErrBackoff) {
		t.Fatalf("before eviction: got %v, want ErrBackoff", err)
	}
	for i := range 10 {
		failN(t, th, 1, "user"+strconv.Itoa(i), ip(i), browser(""))
	}
	if _, err := check(th, "alice", "192.0.2.1", browser("")); err != nil {
		t.Errorf("after eviction: got %v, want nil", err)
	}
}
