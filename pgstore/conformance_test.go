package pgstore_test

import (
	"sync"
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
	var mu sync.Mutex
	clocks := make(map[*pgstore.Store]*clock)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) sessiond.Store {
			c := newClock()
			s := newStore(t, p, pgstore.Config{Now: c.Now, SweepInterval: -1})
			mu.Lock()
			defer mu.Unlock()
			clocks[s] = c
			return s
		},
		Advance: func(t *testing.T, s sessiond.Store, d time.Duration) {
			ps := s.(*pgstore.Store)
			mu.Lock()
			c := clocks[ps]
			mu.Unlock()
			c.Advance(d)
			if _, err := ps.Sweep(t.Context()); err != nil {
				t.Fatalf("Sweep: got error %v, want nil", err)
			}
		},
	})
}
