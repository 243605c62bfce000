package memstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/storetest"
)

// clock is a fake clock that moves only when told to.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// newClock returns a clock that starts at the real time.
func newClock() *clock {
	return &clock{now: time.Now()}
}

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newStore returns a store on its own fake clock, closed when t ends.
func newStore(t *testing.T) (*memstore.Store, *clock) {
	t.Helper()
	c := newClock()
	s := memstore.New(memstore.Config{Now: c.Now})
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: got error %v, want nil", err)
		}
	})
	return s, c
}

// TestConformance runs the storetest suite.
func TestConformance(t *testing.T) {
	var mu sync.Mutex
	clocks := make(map[*memstore.Store]*clock)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) sessiond.Store {
			s, c := newStore(t)
			mu.Lock()
			defer mu.Unlock()
			clocks[s] = c
			return s
		},
		Advance: func(t *testing.T, s sessiond.Store, d time.Duration) {
			mu.Lock()
			c := clocks[s.(*memstore.Store)]
			mu.Unlock()
			c.Advance(d)
			s.(*memstore.Store).Sweep(t.Context())
		},
	})
}
