package storetest

import (
	"testing"
	"time"
)

// touchTests check Touch.
var touchTests = []test{
	{"Deadlines", testTouchDeadlines},
	{"Missing", testTouchMissing},
	{"Deleted", testTouchDeleted},
	{"ExpiredNotSwept", testTouchExpired},
}

// testTouchDeadlines touches records with times before, equal to and after
// the stored ones. Each of the two times only ever moves forward, on its
// own, and no other field changes.
func testTouchDeadlines(t *testing.T, h Harness) {
	s := h.store(t)
	const (
		earlier = -time.Second
		same    = 0
		later   = 90 * time.Second
	)
	tests := []struct {
		name                   string
		lastSeen, idle         time.Duration // added to the stored times
		wantLastSeen, wantIdle time.Duration
	}{
		{"BothLater", later, later, later, later},
		{"BothEarlier", earlier, earlier, same, same},
		{"BothSame", same, same, same, same},
		{"LastSeenLaterIdleEarlier", later, earlier, later, same},
		{"LastSeenEarlierIdleLater", earlier, later, same, later},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := fullRecord(randomUser())
			mustCreate(t, s, rec)
			err := s.Touch(t.Context(), rec.ID, rec.LastSeenAt.Add(tc.lastSeen), rec.IdleExpiresAt.Add(tc.idle))
			if err != nil {
				t.Fatalf("Touch: got error %v, want nil", err)
			}
			want := cloneRecord(rec)
			want.LastSeenAt = rec.LastSeenAt.Add(tc.wantLastSeen)
			want.IdleExpiresAt = rec.IdleExpiresAt.Add(tc.wantIdle)
			wantStored(t, s, want)
			wantListed(t, s, rec.UserID, want)
		})
	}
}

// testTouchMissing touches a record that was never created: no error, and
// no record.
func testTouchMissing(t *testing.T, h Harness) {
	s := h.store(t)
	rec := NewRecord(randomUser())
	if err := s.Touch(t.Context(), rec.ID, rec.LastSeenAt, rec.IdleExpiresAt); err != nil {
		t.Errorf("Touch(missing): got error %v, want nil", err)
	}
	wantGone(t, s, rec)
	wantListed(t, s, rec.UserID)
}

// testTouchDeleted touches a deleted record, which must stay deleted.
func testTouchDeleted(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	mustDelete(t, s, rec.ID)
	at := rec.LastSeenAt.Add(time.Minute)
	if err := s.Touch(t.Context(), rec.ID, at, at.Add(30*time.Minute)); err != nil {
		t.Errorf("Touch(deleted): got error %v, want nil", err)
	}
	wantGone(t, s, rec)
	wantListed(t, s, rec.UserID)
}

// testTouchExpired touches a record that has expired by the store's clock
// but is still stored (its sweep has not run): the touch must not bring
// it back, and the next sweep removes it.
func testTouchExpired(t *testing.T, h Harness) {
	if h.Pass == nil {
		t.Skip("storetest: Harness.Pass is nil")
	}
	s := h.store(t)
	rec := expiring(randomUser())
	mustCreate(t, s, rec)
	h.Pass(t, s, 2*time.Minute)
	later := rec.IdleExpiresAt.Add(time.Minute)
	if err := s.Touch(t.Context(), rec.ID, later, later.Add(30*time.Minute)); err != nil {
		t.Fatalf("Touch: got error %v, want nil", err)
	}
	got, found, err := s.Get(t.Context(), rec.ID)
	if err != nil || found && !got.IdleExpiresAt.Equal(rec.IdleExpiresAt) {
		t.Errorf("Get after touching an expired record: got (%v, %t, %v), want it gone or its deadline unchanged at %v", got, found, err, rec.IdleExpiresAt)
	}
	advance(t, h, s, 0)
	wantGone(t, s, rec)
}
