package boltstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/storetest"
)

// expiringIn returns a record of a user whose idle deadline is d after
// now.
func expiringIn(d time.Duration, now time.Time) *sessiond.Record {
	rec := storetest.NewRecord("alice")
	rec.IdleExpiresAt = now.Add(d).UTC().Truncate(time.Microsecond)
	return rec
}

// sweep runs Sweep and checks how many records it removed.
func sweep(t *testing.T, s *boltstore.Store, want int) {
	t.Helper()
	n, err := s.Sweep(t.Context())
	if err != nil {
		t.Fatalf("Sweep: got error %v, want nil", err)
	}
	if n != want {
		t.Errorf("Sweep: got %d removed, want %d", n, want)
	}
}

// wantConsistent checks the indexes of s.
func wantConsistent(t *testing.T, s *boltstore.Store) {
	t.Helper()
	if err := boltstore.CheckIndexes(s); err != nil {
		t.Errorf("indexes: %v", err)
	}
}

// TestSweepManyChunks expires more records than one sweep transaction
// removes: all go, and each is reported once.
func TestSweepManyChunks(t *testing.T) {
	s, c := newStore(t)
	const n = 250
	var mu sync.Mutex
	seen := make(map[string]int)
	s.OnExpire(func(_ context.Context, rec *sessiond.Record) {
		mu.Lock()
		defer mu.Unlock()
		seen[rec.ID]++
	})
	inOneBatch(t, s, n, func(int) error { return s.Create(t.Context(), expiringIn(time.Minute, c.Now())) })
	c.Advance(2 * time.Minute)
	sweep(t, s, n)
	if len(seen) != n {
		t.Errorf("OnExpire: got %d records, want %d", len(seen), n)
	}
	for id, calls := range seen {
		if calls != 1 {
			t.Errorf("OnExpire(%s): got %d calls, want 1", id, calls)
		}
	}
	wantConsistent(t, s)
}

// TestSweepFollowsWrites checks that the expiry index follows Touch,
// Update and Delete: a record swept is one that has expired by its
// current deadlines, and no other.
func TestSweepFollowsWrites(t *testing.T) {
	tests := []struct {
		name     string
		change   func(t *testing.T, s *boltstore.Store, rec *sessiond.Record)
		advance  time.Duration
		wantGone bool
	}{
		{"Touched", func(t *testing.T, s *boltstore.Store, rec *sessiond.Record) {
			at := rec.LastSeenAt.Add(time.Second)
			if err := s.Touch(t.Context(), rec.ID, at, rec.IdleExpiresAt.Add(time.Hour)); err != nil {
				t.Fatalf("Touch: got error %v, want nil", err)
			}
		}, 2 * time.Minute, false},
		{"UpdatedLater", func(t *testing.T, s *boltstore.Store, rec *sessiond.Record) {
			update(t, s, rec, rec.IdleExpiresAt.Add(time.Hour))
		}, 2 * time.Minute, false},
		{"UpdatedSooner", func(t *testing.T, s *boltstore.Store, rec *sessiond.Record) {
			update(t, s, rec, rec.IdleExpiresAt.Add(-50*time.Minute))
		}, time.Second, true},
		{"Deleted", func(t *testing.T, s *boltstore.Store, rec *sessiond.Record) {
			if err := s.Delete(t.Context(), rec.ID); err != nil {
				t.Fatalf("Delete: got error %v, want nil", err)
			}
		}, 2 * time.Minute, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newStore(t)
			rec := expiringIn(time.Minute, c.Now())
			mustCreate(t, s, rec)
			tc.change(t, s, rec)
			wantConsistent(t, s)
			c.Advance(tc.advance)
			if _, err := s.Sweep(t.Context()); err != nil {
				t.Fatalf("Sweep: got error %v, want nil", err)
			}
			if got := !found(t, s, rec.ID); got != tc.wantGone {
				t.Errorf("gone after sweep: got %t, want %t", got, tc.wantGone)
			}
			wantConsistent(t, s)
		})
	}
}

// update replaces rec with a copy whose idle deadline is idle.
func update(t *testing.T, s *boltstore.Store, rec *sessiond.Record, idle time.Time) {
	t.Helper()
	next := *rec
	next.IdleExpiresAt, next.Version = idle, rec.Version+1
	if err := s.Update(t.Context(), &next, rec.Version); err != nil {
		t.Fatalf("Update: got error %v, want nil", err)
	}
}

// TestSweeper checks that the background sweeper removes an expired
// record. It polls, within a bound, for the sweeper running on the real
// clock every 10ms.
func TestSweeper(t *testing.T) {
	c := newClock()
	s := open(t, boltstore.Config{Path: dbPath(t), Now: c.Now, SweepInterval: 10 * time.Millisecond})
	expired := make(chan string, 1)
	s.OnExpire(func(_ context.Context, rec *sessiond.Record) { expired <- rec.ID })
	rec := expiringIn(time.Minute, c.Now())
	mustCreate(t, s, rec)
	c.Advance(time.Hour)
	select {
	case id := <-expired:
		if id != rec.ID {
			t.Errorf("OnExpire: got %s, want %s", id, rec.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the sweeper did not remove the expired record within 10s")
	}
}

// TestClose checks that Close stops the sweeper, cancelling the context of
// a callback it runs and waiting for it, that it may be called again, and
// that the store then refuses every method with bbolt's
// ErrDatabaseNotOpen.
func TestClose(t *testing.T) {
	c := newClock()
	s, err := boltstore.New(boltstore.Config{Path: dbPath(t), Now: c.Now, SweepInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	inCallback, returned := make(chan struct{}), make(chan struct{})
	s.OnExpire(func(ctx context.Context, _ *sessiond.Record) {
		close(inCallback)
		<-ctx.Done() // Close cancels it
		close(returned)
	})
	mustCreate(t, s, expiringIn(time.Minute, c.Now()))
	c.Advance(time.Hour)
	<-inCallback
	for range 2 {
		if err := s.Close(); err != nil {
			t.Errorf("Close: got error %v, want nil", err)
		}
	}
	select {
	case <-returned:
	default:
		t.Error("Close returned before the callback did")
	}
	wantClosed(t, s)
}

// wantClosed checks that every method of a closed store fails with
// ErrDatabaseNotOpen.
func wantClosed(t *testing.T, s *boltstore.Store) {
	t.Helper()
	ctx, rec := t.Context(), storetest.NewRecord("alice")
	_, _, getErr := s.Get(ctx, rec.ID)
	_, _, findErr := s.Find(ctx, rec.TokenHash)
	_, listErr := s.ListUser(ctx, "alice")
	_, deleteAllErr := s.DeleteAll(ctx)
	_, sweepErr := s.Sweep(ctx)
	_, queryErr := s.QueryEvents(ctx, sessiond.EventQuery{})
	for name, err := range map[string]error{
		"Get": getErr, "Find": findErr, "ListUser": listErr, "DeleteAll": deleteAllErr, "Sweep": sweepErr,
		"QueryEvents": queryErr,
		"Create":      s.Create(ctx, rec),
		"Update":      s.Update(ctx, rec, 1),
		"Touch":       s.Touch(ctx, rec.ID, rec.LastSeenAt, rec.IdleExpiresAt),
		"Delete":      s.Delete(ctx, rec.ID),
		"AppendEvent": s.AppendEvent(ctx, sessiond.Event{}),
	} {
		if !errors.Is(err, berrors.ErrDatabaseNotOpen) {
			t.Errorf("%s after Close: got error %v, want %v", name, err, berrors.ErrDatabaseNotOpen)
		}
	}
}

// TestMalformedRecord checks that a stored record that cannot be decoded
// is an error for reads, matching sessiond.ErrBadRecord, and that the
// sweeper still removes it once expired, and sweeps on.
func TestMalformedRecord(t *testing.T) {
	s, c := newStore(t)
	bad, good := expiringIn(time.Minute, c.Now()), expiringIn(time.Minute, c.Now())
	mustCreate(t, s, bad)
	mustCreate(t, s, good)
	err := boltstore.DB(s).Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("records")).Put([]byte(bad.ID), []byte("garbage"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(t.Context(), bad.ID); !errors.Is(err, sessiond.ErrBadRecord) {
		t.Errorf("Get: got error %v, want %v", err, sessiond.ErrBadRecord)
	}
	if _, _, err := s.Find(t.Context(), bad.TokenHash); !errors.Is(err, sessiond.ErrBadRecord) {
		t.Errorf("Find: got error %v, want %v", err, sessiond.ErrBadRecord)
	}
	c.Advance(time.Hour)
	sweep(t, s, 1) // good; bad is removed without a callback
	if found(t, s, bad.ID) || found(t, s, good.ID) {
		t.Error("after Sweep: a record is still there, want both gone")
	}
}
