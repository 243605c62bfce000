package pgstore_test

import (
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// TestConformance runs the storetest suite, each subtest on a store in a
// fresh schema with its own fake clock. Advance moves the clock and sweeps.
func TestConformance(t *testing.T) {
	p := testPool(t)
	storetest.Run(t, storetest.Clocked(
		func(t *testing.T) (sessiond.Store, func(time.Duration)) {
			c := newClock()
			return newStore(t, p, pgstore.Config{Now: c.Now, SweepInterval: -1}), c.Advance
		},
		func(t *testing.T, s sessiond.Store) {
			if _, err := s.(*pgstore.Store).Sweep(t.Context()); err != nil {
				t.Fatalf("Sweep: got error %v, want nil", err)
			}
		},
	))
}
