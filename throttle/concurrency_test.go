package throttle_test

import (
	"errors"
	"net/http/httptest"
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
				_, err := th.Allow(account, ip(g*1000+i), r)
				switch {
				case err != nil:
				case i%50 == 0:
					th.Success(httptest.NewRecorder(), account, ip(g*1000+i), r)
				default:
					th.Failure(account, ip(g*1000+i), r)
				}
				th.KnownDevice(r, account)
				if i%100 == 0 {
					clk.Advance(time.Second)
				}
			}
		})
	}
	wg.Wait()
	if _, err := th.Allow("alice", "203.0.113.9", browser("")); !errors.Is(err, throttle.ErrAccountLocked) {
		t.Errorf("new browser for alice: got %v, want ErrAccountLocked", err)
	}
	if wait, err := th.Allow("alice", "203.0.113.9", owner); err != nil {
		t.Errorf("alice's own browser: got %v, %v; want nil", wait, err)
	}
}

func TestThrottle_EvictionOnlyForgets_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{MaxEntries: 10})
	fail(th, 5, "alice", "192.0.2.1", browser(""))
	if _, err := th.Allow("alice", "192.0.2.1", browser("")); !errors.Is(err, throttle.ErrBackoff) {
		t.Fatalf("before eviction: got %v, want ErrBackoff", err)
	}
	for i := range 10 {
		fail(th, 1, "user"+strconv.Itoa(i), ip(i), browser(""))
	}
	if _, err := th.Allow("alice", "192.0.2.1", browser("")); err != nil {
		t.Errorf("after eviction: got %v, want nil", err)
	}
}
