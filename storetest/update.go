package storetest

import (
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// updateTests check Update and the indexes it keeps.
var updateTests = []test{
	{"Replaces", testUpdateReplaces},
	{"Reindexes", testUpdateReindexes},
	{"WrongVersion", testUpdateWrongVersion},
	{"Missing", testUpdateMissing},
	{"Deleted", testUpdateDeleted},
	{"HashOfOtherRecord", testUpdateHashOfOther},
	{"KeepsNoPointer", testUpdateKeepsNoPointer},
	{"ConcurrentCAS", testConcurrentUpdate},
	{"ConcurrentWithTouch", testConcurrentUpdateTouch},
}

// rotated returns the next version of rec with every field changed, as a
// token rotation with new data would make it: a new current hash, the old
// one retired first.
func rotated(rec *sessiond.Record) *sessiond.Record {
	next := cloneRecord(rec)
	later := rec.LastSeenAt.Add(time.Minute)
	next.Retired = append([]sessiond.RetiredToken{{Hash: rec.TokenHash, GraceUntil: later.Add(30 * time.Second)}}, next.Retired...)
	next.TokenHash = randomHash()
	next.TokenIssuedAt = later
	next.LastSeenAt = later
	next.IdleExpiresAt = later.Add(30 * time.Minute)
	next.AuthTime = later
	next.AuthMethods = []string{"pwd", "webauthn"}
	next.IP = "198.51.100.23"
	next.UserAgent = rec.UserAgent + " changed"
	next.Persistent = !rec.Persistent
	next.Pending = !rec.Pending
	next.ReauthRequired = !rec.ReauthRequired
	next.Version = rec.Version + 1
	next.Data = randomBytes(64)
	next.Device.Generation++
	next.Device.Cookies = [2]sessiond.BoundCookie{{Hash: randomHash(), ExpiresAt: later.Add(10 * time.Minute)}, next.Device.Cookies[0]}
	return next
}

// testUpdateReplaces replaces a record and reads every field of the new
// value back, by id, by the new hash and by every retired hash.
func testUpdateReplaces(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	next := rotated(rec)
	mustUpdate(t, s, next, rec.Version)
	wantStored(t, s, next)
	wantListed(t, s, rec.UserID, next)
}

// testUpdateReindexes drops retired hashes in a second update: they must no
// longer lead to the record, while the kept ones still do.
func testUpdateReindexes(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	v2 := rotated(rec)
	mustUpdate(t, s, v2, rec.Version)
	v3 := rotated(v2)
	v3.Retired = v3.Retired[:1] // keeps v2's hash, drops rec's hashes
	mustUpdate(t, s, v3, v2.Version)
	wantStored(t, s, v3)
	for _, h := range rec.Hashes() {
		wantNoHash(t, s, h)
	}
}

// testUpdateWrongVersion updates with versions other than the stored one;
// each is a conflict and changes nothing.
func testUpdateWrongVersion(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	for _, tc := range []struct {
		name    string
		version int64
	}{
		{"Older", rec.Version - 1},
		{"Newer", rec.Version + 1},
		{"Zero", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := rotated(rec)
			wantConflict(t, "Update", s.Update(t.Context(), next, tc.version))
			wantStored(t, s, rec)
			wantNoHash(t, s, next.TokenHash)
		})
	}
}

// testUpdateMissing updates a record that was never created.
func testUpdateMissing(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	wantConflict(t, "Update", s.Update(t.Context(), rec, rec.Version))
	wantGone(t, s, rec)
	wantListed(t, s, rec.UserID)
}

// testUpdateDeleted updates a record after it was deleted.
func testUpdateDeleted(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	mustDelete(t, s, rec.ID)
	next := rotated(rec)
	wantConflict(t, "Update", s.Update(t.Context(), next, rec.Version))
	wantGone(t, s, next)
	wantListed(t, s, rec.UserID)
}

// testUpdateHashOfOther gives a record a current or retired token hash
// that is the current or a retired hash of another record: that is a
// conflict, and both records stay as they were.
func testUpdateHashOfOther(t *testing.T, h Harness) {
	s := h.store(t)
	a, b := fullRecord(randomUser()), fullRecord(randomUser())
	mustCreate(t, s, a)
	mustCreate(t, s, b)
	for _, tc := range []struct {
		name string
		edit func(next *sessiond.Record)
	}{
		{"Current", func(next *sessiond.Record) { next.TokenHash = a.TokenHash }},
		{"Retired", func(next *sessiond.Record) { next.Retired[0].Hash = a.Retired[0].Hash }},
		{"CurrentIsRetired", func(next *sessiond.Record) { next.TokenHash = a.Retired[1].Hash }},
		{"RetiredIsCurrent", func(next *sessiond.Record) { next.Retired[1].Hash = a.TokenHash }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := rotated(b)
			tc.edit(next)
			wantConflict(t, "Update", s.Update(t.Context(), next, b.Version))
			wantStored(t, s, a)
			wantStored(t, s, b)
		})
	}
}

// testUpdateKeepsNoPointer changes the record passed to Update afterwards,
// which must not change the stored one.
func testUpdateKeepsNoPointer(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	next := rotated(rec)
	want := cloneRecord(next)
	mustUpdate(t, s, next, rec.Version)
	scribble(next)
	wantStored(t, s, want)
}
