package memstore_test

import (
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/storetest"
)

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// newClock returns a clock for one test.
func newClock() *clock { return fakeclock.New(time.Now()) }

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
	storetest.Run(t, storetest.Clocked(
		func(t *testing.T) (sessiond.Store, func(time.Duration)) {
			s, c := newStore(t)
			return s, c.Advance
		},
		func(t *testing.T, s sessiond.Store) { s.(*memstore.Store).Sweep(t.Context()) },
	))
}
