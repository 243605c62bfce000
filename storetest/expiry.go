package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// expiryTests check that a store forgets expired records. They need
// [Harness.Advance].
var expiryTests = []test{
	{"IdleDeadline", testExpireIdle},
	{"Boundary", testExpireBoundary},
	{"AbsoluteDeadline", testExpireAbsolute},
	{"TouchExtends", testExpireTouchExtends},
	{"OnExpire", testExpireWatcher},
	{"OnExpireEach", testExpireWatchers},
	{"OnExpireUsesStore", testExpireCallbackUsesStore},
}

// advance moves the store's clock by d, or skips the test when the harness
// cannot.
func advance(t *testing.T, h Harness, s sessiond.Store, d time.Duration) {
	t.Helper()
	if h.Advance == nil {
		t.Skip("storetest: Harness.Advance is nil")
	}
	h.Advance(t, s, d)
}

// expiring returns a record of userID, with retired hashes, whose idle
// deadline is a minute from now; the other deadline is hours away.
func expiring(userID string) *sessiond.Record {
	rec := fullRecord(userID)
	rec.IdleExpiresAt = now().Add(time.Minute)
	return rec
}

// testExpireIdle lets a record pass its idle deadline: it is gone by id, by
// every hash and from its user's list, while a live record stays.
func testExpireIdle(t *testing.T, h Harness) {
	s := h.store(t)
	rec, live := expiring(randomUser()), fullRecord("")
	live.UserID = rec.UserID
	mustCreate(t, s, rec)
	mustCreate(t, s, live)
	advance(t, h, s, 2*time.Minute)
	wantGone(t, s, rec)
	wantStored(t, s, live)
	wantListed(t, s, rec.UserID, live)
}

// testExpireBoundary checks the time of expiry, to within the second the
// store's clock may lag the suite's: a second before its deadline a record
// is there, a second after it is gone.
func testExpireBoundary(t *testing.T, h Harness) {
	s := h.store(t)
	rec := expiring(randomUser())
	mustCreate(t, s, rec)
	advance(t, h, s, rec.IdleExpiresAt.Sub(now())-time.Second)
	wantStored(t, s, rec)
	advance(t, h, s, 2*time.Second)
	wantGone(t, s, rec)
}

// testExpireAbsolute lets a record pass its absolute deadline, with its
// idle deadline still ahead.
func testExpireAbsolute(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	rec.AbsoluteExpiresAt = now().Add(time.Minute)
	mustCreate(t, s, rec)
	advance(t, h, s, 2*time.Minute)
	wantGone(t, s, rec)
	wantListed(t, s, rec.UserID)
}

// testExpireTouchExtends touches a record to a later idle deadline: it
// outlives the old deadline and expires after the new one.
func testExpireTouchExtends(t *testing.T, h Harness) {
	s := h.store(t)
	rec := expiring(randomUser())
	mustCreate(t, s, rec)
	want := cloneRecord(rec)
	want.LastSeenAt = now()
	want.IdleExpiresAt = want.LastSeenAt.Add(10 * time.Minute)
	if err := s.Touch(t.Context(), rec.ID, want.LastSeenAt, want.IdleExpiresAt); err != nil {
		t.Fatalf("Touch: got error %v, want nil", err)
	}
	advance(t, h, s, 2*time.Minute)
	wantStored(t, s, want)
	wantListed(t, s, rec.UserID, want)
	advance(t, h, s, 10*time.Minute)
	wantGone(t, s, rec)
	wantListed(t, s, rec.UserID)
}

// testExpireWatcher checks that a store that is an ExpiryWatcher calls its
// callbacks once with each record it removed, and only with those.
func testExpireWatcher(t *testing.T, h Harness) {
	s := h.store(t)
	w, ok := s.(sessiond.ExpiryWatcher)
	if !ok {
		t.Skip("storetest: the store is not a sessiond.ExpiryWatcher")
	}
	var seen recorder
	w.OnExpire(seen.add)
	rec, live := expiring(randomUser()), fullRecord(randomUser())
	mustCreate(t, s, rec)
	mustCreate(t, s, live)
	advance(t, h, s, 2*time.Minute)
	got := seen.records()
	if len(got) != 1 {
		t.Fatalf("OnExpire: got %d calls with %v, want 1 with [%s]", len(got), ids(got), rec.ID)
	}
	wantEqual(t, "OnExpire", got[0], rec)
}

// testExpireWatchers registers two callbacks: each is called once with
// the removed record.
func testExpireWatchers(t *testing.T, h Harness) {
	s := h.store(t)
	w, ok := s.(sessiond.ExpiryWatcher)
	if !ok {
		t.Skip("storetest: the store is not a sessiond.ExpiryWatcher")
	}
	var seen [2]recorder
	for i := range seen {
		w.OnExpire(seen[i].add)
	}
	rec := expiring(randomUser())
	mustCreate(t, s, rec)
	advance(t, h, s, 2*time.Minute)
	for i := range seen {
		if got := seen[i].records(); len(got) != 1 || got[0].ID != rec.ID {
			t.Errorf("callback %d: got calls with %v, want one with %s", i, ids(got), rec.ID)
		}
	}
}

// testExpireCallbackUsesStore checks the ExpiryWatcher contract that
// callbacks run with no lock held: one may call the store, as the
// Manager's does to write the session.expired event. A store that held a
// lock would deadlock here.
func testExpireCallbackUsesStore(t *testing.T, h Harness) {
	s := h.store(t)
	w, ok := s.(sessiond.ExpiryWatcher)
	if !ok {
		t.Skip("storetest: the store is not a sessiond.ExpiryWatcher")
	}
	var (
		mu                 sync.Mutex
		called, stillFound bool
		appendErr          error
	)
	w.OnExpire(func(ctx context.Context, rec *sessiond.Record) {
		_, found, _ := s.Get(ctx, rec.ID)
		var err error
		if a, ok := s.(sessiond.AuditStore); ok {
			err = a.AppendEvent(ctx, sessiond.Event{ID: "expired-" + rec.ID, Type: sessiond.EventExpired, SessionID: rec.ID, Time: now()})
		}
		mu.Lock()
		defer mu.Unlock()
		called, stillFound, appendErr = true, found, err
	})
	rec := expiring(randomUser())
	mustCreate(t, s, rec)
	advance(t, h, s, 2*time.Minute)
	mu.Lock()
	defer mu.Unlock()
	if !called || stillFound || appendErr != nil {
		t.Errorf("callback: called %t, record still found %t, AppendEvent error %v; want true, false, nil", called, stillFound, appendErr)
	}
}

// recorder keeps the records an expiry callback was called with.
type recorder struct {
	mu   sync.Mutex
	recs []*sessiond.Record
}

// add is the expiry callback.
func (r *recorder) add(_ context.Context, rec *sessiond.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec)
}

// records returns what add was called with so far.
func (r *recorder) records() []*sessiond.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*sessiond.Record(nil), r.recs...)
}
