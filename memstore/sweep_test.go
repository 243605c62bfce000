package memstore_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/storetest"
)

// expiringIn returns a record of a user whose idle deadline is d after now.
func expiringIn(d time.Duration, now time.Time) *sessiond.Record {
	rec := storetest.NewRecord("alice")
	rec.IdleExpiresAt = now.Add(d).UTC()
	return rec
}

// mustCreate stores rec and stops the test if that fails.
func mustCreate(t *testing.T, s *memstore.Store, rec *sessiond.Record) {
	t.Helper()
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
}

// found reports whether the store has the record id.
func found(t *testing.T, s *memstore.Store, id string) bool {
	t.Helper()
	_, ok, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get: got error %v, want nil", err)
	}
	return ok
}

// TestSweepCount checks what Sweep reports: the expired record, not the
// live one.
func TestSweepCount(t *testing.T) {
	s, c := newStore(t)
	mustCreate(t, s, expiringIn(time.Minute, c.Now()))
	mustCreate(t, s, expiringIn(time.Hour, c.Now()))
	c.Advance(2 * time.Minute)
	if n := s.Sweep(t.Context()); n != 1 {
		t.Errorf("Sweep: got %d removed, want 1", n)
	}
}

// TestSweeper checks, on synctest's fake clock, that the background
// sweeper removes an expired record within one interval, and that Close
// stops it: synctest.Test fails if the goroutine outlives the test.
func TestSweeper(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memstore.New(memstore.Config{SweepInterval: time.Minute})
		var mu sync.Mutex
		var expired []string
		s.OnExpire(func(_ context.Context, rec *sessiond.Record) {
			mu.Lock()
			defer mu.Unlock()
			expired = append(expired, rec.ID)
		})
		rec := expiringIn(30*time.Second, time.Now())
		mustCreate(t, s, rec)
		time.Sleep(90 * time.Second) // the sweep at 1m removes it
		synctest.Wait()
		if found(t, s, rec.ID) {
			t.Error("found after 90s: got true, want false")
		}
		mu.Lock()
		if len(expired) != 1 || expired[0] != rec.ID {
			t.Errorf("OnExpire: got %v, want [%s]", expired, rec.ID)
		}
		mu.Unlock()
		wantClose(t, s)
		wantClose(t, s) // idempotent
	})
}

// TestCloseWaitsForCallback checks that Close cancels the context of an
// expiry callback that the sweeper is running and returns only after the
// callback has.
func TestCloseWaitsForCallback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memstore.New(memstore.Config{SweepInterval: time.Minute})
		release := make(chan struct{})
		var cancelled bool
		s.OnExpire(func(ctx context.Context, _ *sessiond.Record) {
			<-ctx.Done()
			cancelled = true
			<-release
		})
		mustCreate(t, s, expiringIn(time.Second, time.Now()))
		time.Sleep(time.Minute) // the sweeper is now in the callback
		closed := false
		go func() { wantClose(t, s); closed = true }()
		synctest.Wait()
		if !cancelled || closed {
			t.Errorf("Close with callback running: got cancelled %t, closed %t; want true, false", cancelled, closed)
		}
		close(release)
		synctest.Wait()
		if !closed {
			t.Error("Close after callback returned: got closed false, want true")
		}
	})
}

// TestUsableAfterClose checks that Close leaves the store usable, with
// Sweep still working when called.
func TestUsableAfterClose(t *testing.T) {
	s, c := newStore(t)
	wantClose(t, s)
	rec := expiringIn(time.Minute, c.Now())
	mustCreate(t, s, rec)
	if !found(t, s, rec.ID) {
		t.Fatal("found after Close: got false, want true")
	}
	c.Advance(time.Hour)
	if n := s.Sweep(t.Context()); n != 1 {
		t.Errorf("Sweep after Close: got %d removed, want 1", n)
	}
}

// wantClose closes s and checks the error.
func wantClose(t *testing.T, s *memstore.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("Close: got error %v, want nil", err)
	}
}
