package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// Clocked returns the Harness of a store that runs on a clock of the
// test's. newStore returns a fresh store, registering its cleanup with
// t.Cleanup, and the function that moves that store's clock forward; sweep
// removes what has expired by the store's clock, calling any expiry
// callbacks, as the store's sweeper would.
func Clocked(newStore func(t *testing.T) (sessiond.Store, func(d time.Duration)), sweep func(t *testing.T, s sessiond.Store)) Harness {
	var mu sync.Mutex
	clocks := make(map[sessiond.Store]func(time.Duration))
	pass := func(_ *testing.T, s sessiond.Store, d time.Duration) {
		mu.Lock()
		move := clocks[s]
		mu.Unlock()
		move(d)
	}
	return Harness{
		New: func(t *testing.T) sessiond.Store {
			s, move := newStore(t)
			mu.Lock()
			defer mu.Unlock()
			clocks[s] = move
			return s
		},
		Advance: func(t *testing.T, s sessiond.Store, d time.Duration) {
			pass(t, s, d)
			sweep(t, s)
		},
		Pass: pass,
	}
}
