package boltstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/storetest"
)

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// newClock returns a clock for one test.
func newClock() *clock { return fakeclock.New(time.Now().Truncate(time.Microsecond)) }

// dbPath returns the path of a new database file under t's temporary
// directory.
func dbPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "sessions.db")
}

// open opens the store of cfg and closes it when t ends.
func open(t testing.TB, cfg boltstore.Config) *boltstore.Store {
	t.Helper()
	s, err := boltstore.New(cfg)
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: got error %v, want nil", err)
		}
	})
	return s
}

// newStore returns a store in a fresh file on its own fake clock.
func newStore(t testing.TB) (*boltstore.Store, *clock) {
	t.Helper()
	c := newClock()
	return open(t, boltstore.Config{Path: dbPath(t), Now: c.Now}), c
}

// TestConformance runs the storetest suite, on a fresh database per
// subtest.
func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Clocked(
		func(t *testing.T) (sessiond.Store, func(time.Duration)) {
			s, c := newStore(t)
			return s, c.Advance
		},
		func(t *testing.T, s sessiond.Store) {
			if _, err := s.(*boltstore.Store).Sweep(t.Context()); err != nil {
				t.Fatalf("Sweep: got error %v, want nil", err)
			}
		},
	))
}

// inOneBatch runs write(0) … write(n-1) at once, committed together in
// one transaction, and stops the test if any fails: a quick way to fill a
// store.
func inOneBatch(t testing.TB, s *boltstore.Store, n int, write func(i int) error) {
	t.Helper()
	undo := boltstore.OneBatch(s, n)
	defer undo()
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- write(i) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("write in a batch: got error %v, want nil", err)
		}
	}
}
