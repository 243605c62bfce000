package pgstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// expiringIn returns a record of a user whose idle deadline is d after now.
func expiringIn(d time.Duration, now time.Time) *sessiond.Record {
	rec := storetest.NewRecord("alice")
	rec.IdleExpiresAt = now.Add(d).UTC().Truncate(time.Microsecond)
	return rec
}

// mustCreate stores every record and stops the test if that fails.
func mustCreate(t *testing.T, s *pgstore.Store, recs ...*sessiond.Record) {
	t.Helper()
	for _, rec := range recs {
		if err := s.Create(t.Context(), rec); err != nil {
			t.Fatalf("Create: got error %v, want nil", err)
		}
	}
}

// found reports whether the store has the record id.
func found(t *testing.T, s *pgstore.Store, id string) bool {
	t.Helper()
	_, ok, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get: got error %v, want nil", err)
	}
	return ok
}

// mustSweep sweeps s and returns how many sessions it removed.
func mustSweep(t *testing.T, s *pgstore.Store) int {
	t.Helper()
	n, err := s.Sweep(t.Context())
	if err != nil {
		t.Fatalf("Sweep: got error %v, want nil", err)
	}
	return n
}

// idRecorder is an expiry callback that keeps the ids it is called with.
type idRecorder struct {
	mu  sync.Mutex
	ids []string
}

// add is the callback.
func (r *idRecorder) add(_ context.Context, rec *sessiond.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, rec.ID)
}

// sorted returns the ids so far, sorted.
func (r *idRecorder) sorted() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(slices.Values(r.ids))
}

// TestSweepBatches expires more sessions than a batch holds: every one is
// removed and reported once, and a live one stays.
func TestSweepBatches(t *testing.T) {
	c := newClock()
	s := newStore(t, testPool(t), pgstore.Config{Now: c.Now, SweepInterval: -1, SweepBatch: 2})
	var seen idRecorder
	s.OnExpire(seen.add)
	var want []string
	for range 5 {
		rec := expiringIn(time.Minute, c.Now())
		mustCreate(t, s, rec)
		want = append(want, rec.ID)
	}
	live := expiringIn(time.Hour, c.Now())
	mustCreate(t, s, live)
	c.Advance(2 * time.Minute)
	if n := mustSweep(t, s); n != len(want) {
		t.Errorf("Sweep: got %d removed, want %d", n, len(want))
	}
	if got := seen.sorted(); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("OnExpire: got %v, want %v", got, want)
	}
	if !found(t, s, live.ID) {
		t.Error("live record found: got false, want true")
	}
}

// TestSweepAtDeadline checks the instant of expiry: a session is removed
// once the clock reaches its deadline, not before.
func TestSweepAtDeadline(t *testing.T) {
	tests := []struct {
		name        string
		advance     time.Duration
		wantRemoved int
	}{
		{"Before", time.Minute - time.Microsecond, 0},
		{"AtDeadline", time.Minute, 1},
		{"After", 2 * time.Minute, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			s := newStore(t, testPool(t), pgstore.Config{Now: c.Now, SweepInterval: -1})
			rec := expiringIn(time.Minute, c.Now().UTC().Truncate(time.Microsecond))
			mustCreate(t, s, rec)
			c.Advance(tc.advance)
			if got := mustSweep(t, s); got != tc.wantRemoved {
				t.Errorf("Sweep: got %d removed, want %d", got, tc.wantRemoved)
			}
		})
	}
}

// TestSweepReplicas sweeps one schema from two stores at once: each
// expired session is reported by exactly one of them.
func TestSweepReplicas(t *testing.T) {
	c := newClock()
	p := testPool(t)
	a := newStore(t, p, pgstore.Config{Now: c.Now, SweepInterval: -1, SweepBatch: 3})
	b := newStore(t, p, pgstore.Config{Schema: a.Schema(), Now: c.Now, SweepInterval: -1, SweepBatch: 3})
	var seen idRecorder
	a.OnExpire(seen.add)
	b.OnExpire(seen.add)
	var want []string
	for range 40 {
		rec := expiringIn(time.Minute, c.Now())
		mustCreate(t, a, rec)
		want = append(want, rec.ID)
	}
	c.Advance(2 * time.Minute)
	var wg sync.WaitGroup
	var na, nb int
	wg.Go(func() { na = mustSweep(t, a) })
	wg.Go(func() { nb = mustSweep(t, b) })
	wg.Wait()
	if na+nb != len(want) {
		t.Errorf("Sweep: got %d + %d removed, want %d in all", na, nb, len(want))
	}
	if got := seen.sorted(); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("OnExpire: got %d calls, want one for each of %d records", len(got), len(want))
	}
}

// TestTouchExpired touches a session that has expired but was not swept
// yet: it stays expired.
func TestTouchExpired(t *testing.T) {
	c := newClock()
	s := newStore(t, testPool(t), pgstore.Config{Now: c.Now, SweepInterval: -1})
	rec := expiringIn(time.Minute, c.Now())
	mustCreate(t, s, rec)
	c.Advance(2 * time.Minute)
	later := c.Now().UTC().Truncate(time.Microsecond)
	if err := s.Touch(t.Context(), rec.ID, later, later.Add(30*time.Minute)); err != nil {
		t.Fatalf("Touch: got error %v, want nil", err)
	}
	got, _, _ := s.Get(t.Context(), rec.ID)
	if got == nil || !got.IdleExpiresAt.Equal(rec.IdleExpiresAt) || !got.LastSeenAt.Equal(rec.LastSeenAt) {
		t.Errorf("after Touch: got %+v, want deadlines unchanged at %v", got, rec.IdleExpiresAt)
	}
	if n := mustSweep(t, s); n != 1 {
		t.Errorf("Sweep: got %d removed, want 1", n)
	}
}

// TestJanitor lets the background janitor, on a short interval, remove an
// expired session and report it, and checks that Close stops it.
func TestJanitor(t *testing.T) {
	c := newClock()
	s := newStore(t, testPool(t), pgstore.Config{Now: c.Now, SweepInterval: 10 * time.Millisecond})
	var seen idRecorder
	s.OnExpire(seen.add)
	rec := expiringIn(time.Minute, c.Now())
	mustCreate(t, s, rec)
	c.Advance(2 * time.Minute)
	deadline := time.Now().Add(10 * time.Second)
	for len(seen.sorted()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the janitor did not remove the expired session within 10s")
		}
		time.Sleep(10 * time.Millisecond) // polling another goroutine's database work
	}
	if got := seen.sorted(); len(got) != 1 || got[0] != rec.ID || found(t, s, rec.ID) {
		t.Errorf("OnExpire: got %v, want [%s] and the record gone", got, rec.ID)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: got error %v, want nil", err)
	}
	late := expiringIn(time.Minute, c.Now())
	mustCreate(t, s, late)
	c.Advance(2 * time.Minute)
	if n := mustSweep(t, s); n != 1 {
		t.Errorf("Sweep after Close: got %d removed, want 1 (the janitor should have stopped)", n)
	}
}

// TestAuditRetention keeps events within the age and count bounds.
func TestAuditRetention(t *testing.T) {
	tests := []struct {
		name      string
		cfg       pgstore.Config
		ages      []time.Duration // how old each event is at the sweep
		wantCount int             // the newest wantCount survive
	}{
		{"Age", pgstore.Config{AuditRetention: time.Hour}, []time.Duration{3 * time.Hour, 2 * time.Hour, 30 * time.Minute, time.Minute}, 2},
		{"DefaultAge", pgstore.Config{}, []time.Duration{91 * 24 * time.Hour, 89 * 24 * time.Hour}, 1},
		{"Count", pgstore.Config{AuditRetention: -1, AuditMaxEvents: 3}, []time.Duration{5 * time.Second, 4 * time.Second, 3 * time.Second, 2 * time.Second, time.Second, 0}, 3},
		{"Forever", pgstore.Config{AuditRetention: -1}, []time.Duration{1000 * 24 * time.Hour, 0}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			tc.cfg.Now, tc.cfg.SweepInterval, tc.cfg.SweepBatch = c.Now, -1, 2
			s := newStore(t, testPool(t), tc.cfg)
			now := c.Now().UTC().Truncate(time.Microsecond)
			for i, age := range tc.ages {
				e := sessiond.Event{ID: fmt.Sprint(i), Time: now.Add(-age), Type: sessiond.EventCreated, UserID: "alice"}
				if err := s.AppendEvent(t.Context(), e); err != nil {
					t.Fatalf("AppendEvent: got error %v, want nil", err)
				}
			}
			mustSweep(t, s)
			got, err := s.QueryEvents(t.Context(), sessiond.EventQuery{UserID: "alice"})
			if err != nil {
				t.Fatalf("QueryEvents: got error %v, want nil", err)
			}
			var ids, want []string
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			for i := len(tc.ages) - 1; i >= len(tc.ages)-tc.wantCount; i-- {
				want = append(want, fmt.Sprint(i))
			}
			if !slices.Equal(ids, want) {
				t.Errorf("events kept: got %v, want %v", ids, want)
			}
		})
	}
}

// TestSweepCorrupt sweeps a batch holding a record that does not decode:
// it is removed with the others, which are still reported.
func TestSweepCorrupt(t *testing.T) {
	c := newClock()
	p := testPool(t)
	s := newStore(t, p, pgstore.Config{Now: c.Now, SweepInterval: -1, Logger: slog.New(slog.DiscardHandler)})
	var seen idRecorder
	s.OnExpire(seen.add)
	bad, good := expiringIn(time.Minute, c.Now()), expiringIn(time.Minute, c.Now())
	mustCreate(t, s, bad, good)
	table := pgx.Identifier{s.Schema(), "sessions"}.Sanitize()
	if _, err := p.Exec(t.Context(), "UPDATE "+table+" SET rec = '\\x00' WHERE id = $1", bad.ID); err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Minute)
	if n := mustSweep(t, s); n != 2 {
		t.Errorf("Sweep: got %d removed, want 2", n)
	}
	if got := seen.sorted(); len(got) != 1 || got[0] != good.ID {
		t.Errorf("OnExpire: got %v, want [%s]", got, good.ID)
	}
	if found(t, s, bad.ID) {
		t.Error("corrupt record found after Sweep: got true, want false")
	}
}
