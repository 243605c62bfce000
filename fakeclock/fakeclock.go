// Package fakeclock is a clock for tests that moves only when told to.
//
// Its Now goes wherever a component takes a Now func: sessiond.Config, the
// Config of every store (memstore, boltstore, redisstore, pgstore), csrf and
// throttle. A test then reaches a deadline with Advance instead of waiting
// for it. A store's conformance test runs on such a clock with
// storetest.Clocked, which is given the clock's Advance:
//
//	storetest.Run(t, storetest.Clocked(
//		func(t *testing.T) (sessiond.Store, func(time.Duration)) {
//			c := fakeclock.New(time.Now())
//			s := mystore.New(mystore.Config{Now: c.Now})
//			t.Cleanup(func() { s.Close() })
//			return s, c.Advance
//		},
//		func(t *testing.T, s sessiond.Store) { s.(*mystore.Store).Sweep(t.Context()) },
//	))
package fakeclock

import (
	"sync"
	"time"
)

// Clock is a fake clock, safe for concurrent use.
type Clock struct {
	mu    sync.Mutex
	t     time.Time
	burst *burst // while a Burst runs
}

// New returns a clock that starts at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time. During a Burst it first waits for the
// other calls of the burst to catch up, and returns the time when they
// have.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	b := c.burst
	if b == nil {
		defer c.mu.Unlock()
		return c.t
	}
	b.waiting++
	s := b.step
	b.next(c.t)
	c.mu.Unlock()
	<-s.done
	return s.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Burst runs f(0) … f(n-1) at once, each in a goroutine of its own, and
// returns when all have returned. Meanwhile the calls read the clock in
// step: a read waits until each other call has read it as often, or has
// returned. A component that reads the clock where it decides and again
// where it records the outcome (the login throttle, in Begin and Fail)
// thus makes all the decisions of a burst before any outcome is
// recorded, whatever the scheduling, as if the work between took long.
// Nothing but the burst's calls may read the clock while it runs.
func (c *Clock) Burst(n int, f func(i int)) {
	b := &burst{n: n, step: &step{done: make(chan struct{})}}
	c.mu.Lock()
	c.burst = b
	c.mu.Unlock()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() {
				c.mu.Lock()
				defer c.mu.Unlock()
				b.returned++
				b.next(c.t)
			}()
			f(i)
		})
	}
	wg.Wait()
	c.mu.Lock()
	c.burst = nil
	c.mu.Unlock()
}

// burst is the state of a Burst. Its fields are guarded by the clock's
// mutex.
type burst struct {
	n        int   // calls
	returned int   // calls that have returned
	waiting  int   // reads waiting in this step
	step     *step // the step under way
}

// step is one step of a burst: the reads waiting for it get t once done
// is closed.
type step struct {
	done chan struct{}
	t    time.Time
}

// next ends the step at time t once every call still running waits in
// it, and starts the next.
func (b *burst) next(t time.Time) {
	if b.waiting > 0 && b.waiting+b.returned == b.n {
		b.step.t = t
		close(b.step.done)
		b.step, b.waiting = &step{done: make(chan struct{})}, 0
	}
}
