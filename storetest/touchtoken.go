package storetest

import (
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// touchTokenTests check TouchToken, for stores that are a
// [sessiond.TokenToucher]: whatever the hash leads to, the record of the
// id is the one touched, and only it.
var touchTokenTests = []test{
	{"CurrentHash", testTouchTokenCurrent},
	{"RetiredHash", testTouchTokenRetired},
	{"UnknownHash", testTouchTokenUnknown},
	{"OtherRecordsHash", testTouchTokenOther},
	{"Missing", testTouchTokenMissing},
	{"Deleted", testTouchTokenDeleted},
}

// tokenToucher returns a fresh store from h as a TokenToucher, skipping
// the test when the store is not one.
func tokenToucher(t *testing.T, h Harness) (sessiond.Store, sessiond.TokenToucher) {
	t.Helper()
	s := h.store(t)
	return s, capability[sessiond.TokenToucher](t, s)
}

// touchVia touches rec through tt with hash hint, a minute later, and
// checks that the stored record moved and nothing else changed.
func touchVia(t *testing.T, s sessiond.Store, tt sessiond.TokenToucher, rec *sessiond.Record, hint sessiond.Hash) {
	t.Helper()
	seen, idle := rec.LastSeenAt.Add(time.Minute), rec.IdleExpiresAt.Add(time.Minute)
	if err := tt.TouchToken(t.Context(), rec.ID, hint, seen, idle); err != nil {
		t.Fatalf("TouchToken: got error %v, want nil", err)
	}
	want := cloneRecord(rec)
	want.LastSeenAt, want.IdleExpiresAt = seen, idle
	wantStored(t, s, want)
}

// testTouchTokenCurrent touches by the record's current hash.
func testTouchTokenCurrent(t *testing.T, h Harness) {
	s, tt := tokenToucher(t, h)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	touchVia(t, s, tt, rec, rec.TokenHash)
}

// testTouchTokenRetired touches by a hash the record had before a
// rotation: another replica rotated the token since the caller read it.
func testTouchTokenRetired(t *testing.T, h Harness) {
	s, tt := tokenToucher(t, h)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	next := cloneRecord(rec)
	next.Retired = []sessiond.RetiredToken{{Hash: rec.TokenHash, GraceUntil: rec.LastSeenAt.Add(time.Minute)}}
	next.TokenHash = randomHash()
	next.Version++
	mustUpdate(t, s, next, rec.Version)
	touchVia(t, s, tt, next, rec.TokenHash)
}

// testTouchTokenUnknown touches by a hash that leads nowhere.
func testTouchTokenUnknown(t *testing.T, h Harness) {
	s, tt := tokenToucher(t, h)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	touchVia(t, s, tt, rec, randomHash())
}

// testTouchTokenOther touches one record by the hash of another: the
// record of the id moves, the other does not.
func testTouchTokenOther(t *testing.T, h Harness) {
	s, tt := tokenToucher(t, h)
	rec, other := fullRecord(randomUser()), fullRecord(randomUser())
	mustCreate(t, s, rec)
	mustCreate(t, s, other)
	touchVia(t, s, tt, rec, other.TokenHash)
	wantStored(t, s, other)
}

// testTouchTokenMissing touches a record that was never created: no
// error, and no record.
func testTouchTokenMissing(t *testing.T, h Harness) {
	s, tt := tokenToucher(t, h)
	rec := NewRecord(randomUser())
	if err := tt.TouchToken(t.Context(), rec.ID, rec.TokenHash, rec.LastSeenAt, rec.IdleExpiresAt); err != nil {
		t.Errorf("TouchToken(missing): got error %v, want nil", err)
	}
	wantGone(t, s, rec)
}

// testTouchTokenDeleted touches a deleted record by its last hash: it
// stays deleted.
func testTouchTokenDeleted(t *testing.T, h Harness) {
	s, tt := tokenToucher(t, h)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	mustDelete(t, s, rec.ID)
	at := rec.LastSeenAt.Add(time.Minute)
	if err := tt.TouchToken(t.Context(), rec.ID, rec.TokenHash, at, at.Add(30*time.Minute)); err != nil {
		t.Errorf("TouchToken(deleted): got error %v, want nil", err)
	}
	wantGone(t, s, rec)
}
