package throttle_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

// newLimiter returns a Limiter for cfg on a fake clock.
func newLimiter(cfg throttle.LimiterConfig) (*throttle.Limiter, *clock) {
	clk := newClock()
	cfg.Now = clk.Now
	return throttle.NewLimiter(cfg), clk
}

// take makes n requests from ip, checking that each went ahead.
func take(t *testing.T, l *throttle.Limiter, n int, ip string) {
	t.Helper()
	for i := range n {
		if wait, ok := l.Take(ip); !ok {
			t.Fatalf("request %d from %s: refused for %v, want it to go ahead", i+1, ip, wait)
		}
	}
}

func TestLimiter_RefusesPastTheLimit(t *testing.T) {
	l, clk := newLimiter(throttle.LimiterConfig{})
	take(t, l, throttle.DefaultLimiterLimit, "192.0.2.1")
	wait, ok := l.Take("192.0.2.1")
	if ok || wait <= throttle.DefaultLimiterWindow-throttle.DefaultLimiterWindow/10 || wait > throttle.DefaultLimiterWindow+throttle.DefaultLimiterWindow/10 {
		t.Fatalf("request 11: got %v, %v; want refused for about an hour", wait, ok)
	}
	if _, ok := l.Take("192.0.2.2"); !ok {
		t.Errorf("another address: refused, want it to go ahead")
	}
	clk.Advance(wait - time.Nanosecond)
	if _, ok := l.Take("192.0.2.1"); ok {
		t.Errorf("just before the wait ends: went ahead, want refused")
	}
	clk.Advance(time.Nanosecond)
	if wait, ok := l.Take("192.0.2.1"); !ok {
		t.Errorf("when the wait ends: refused for %v, want it to go ahead", wait)
	}
}

func TestLimiter_RefusedRequestsDoNotCount(t *testing.T) {
	l, clk := newLimiter(throttle.LimiterConfig{Limit: 3, Window: time.Minute})
	take(t, l, 3, "192.0.2.1")
	wait, _ := l.Take("192.0.2.1")
	for range 100 {
		l.Take("192.0.2.1")
	}
	clk.Advance(wait)
	if wait, ok := l.Take("192.0.2.1"); !ok {
		t.Errorf("after the first wait: refused for %v, want it to go ahead: refused requests must not prolong it", wait)
	}
}

func TestLimiter_IPv6CountsBy64(t *testing.T) {
	l, _ := newLimiter(throttle.LimiterConfig{Limit: 1})
	take(t, l, 1, "2001:db8:1:2::1")
	if _, ok := l.Take("2001:db8:1:2:ffff::9"); ok {
		t.Errorf("same /64: went ahead, want refused")
	}
	if wait, ok := l.Take("2001:db8:1:3::1"); !ok {
		t.Errorf("another /64: refused for %v, want it to go ahead", wait)
	}
}

// TestLimiter_ConcurrentRequests makes many requests from one address at
// once: no more go ahead than the limit.
func TestLimiter_ConcurrentRequests(t *testing.T) {
	l, _ := newLimiter(throttle.LimiterConfig{})
	var ahead atomic.Int32
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			<-start
			if _, ok := l.Take("192.0.2.1"); ok {
				ahead.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := ahead.Load(); got != throttle.DefaultLimiterLimit {
		t.Errorf("50 requests at once: %d went ahead, want %d", got, throttle.DefaultLimiterLimit)
	}
}

func TestNewLimiter_RefusesBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  throttle.LimiterConfig
	}{
		{"negative limit", throttle.LimiterConfig{Limit: -1}},
		{"window under a second", throttle.LimiterConfig{Window: time.Millisecond}},
		{"negative max entries", throttle.LimiterConfig{MaxEntries: -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantPanic(t, func() { throttle.NewLimiter(c.cfg) }) })
	}
}
