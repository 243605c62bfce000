package storetest

import (
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// copyTests check that the records a store returns are the caller's own:
// changing their fields, or replacing their slices, changes nothing stored.
// (Callers never write into a returned slice, so a store may share those.)
var copyTests = []test{
	{"Get", testCopyGet},
	{"Find", testCopyFind},
	{"ListUser", testCopyListUser},
}

// scribble changes every field of rec, in place: the elements of its
// slices first, then the fields themselves.
func scribble(rec *sessiond.Record) {
	for i := range rec.Retired {
		rec.Retired[i].Hash[0] ^= 0xff
		rec.Retired[i].GraceUntil = rec.Retired[i].GraceUntil.Add(time.Hour)
	}
	for i := range rec.AuthMethods {
		rec.AuthMethods[i] = "scribbled"
	}
	for i := range rec.Data {
		rec.Data[i] ^= 0xff
	}
	scribbleFields(rec)
}

// scribbleFields changes every field of rec, replacing its slices.
func scribbleFields(rec *sessiond.Record) {
	rec.ID += "x"
	rec.UserID += "x"
	rec.TokenHash[0] ^= 0xff
	for _, t := range []*time.Time{&rec.TokenIssuedAt, &rec.CreatedAt, &rec.LastSeenAt,
		&rec.IdleExpiresAt, &rec.AbsoluteExpiresAt, &rec.AuthTime} {
		*t = t.Add(time.Hour)
	}
	rec.Retired = append(rec.Retired, sessiond.RetiredToken{Hash: randomHash()})
	rec.AuthMethods = append(rec.AuthMethods, "scribbled")
	rec.Data = append(rec.Data, 0xff)
	rec.IP += "x"
	rec.UserAgent += "x"
	rec.Persistent = !rec.Persistent
	rec.Version++
}

// testCopyGet changes a record that Get returned.
func testCopyGet(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	scribbleFields(mustGet(t, s, rec.ID))
	wantStored(t, s, rec)
}

// testCopyFind changes a record that Find returned, by current and by
// retired hash.
func testCopyFind(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	for _, h := range rec.Hashes() {
		scribbleFields(mustFind(t, s, h))
	}
	wantStored(t, s, rec)
}

// testCopyListUser changes the records ListUser returned, and the list.
func testCopyListUser(t *testing.T, h Harness) {
	s := h.store(t)
	p := populate(t, s)
	list, err := s.ListUser(t.Context(), p.userA)
	if err != nil {
		t.Fatalf("ListUser: got error %v, want nil", err)
	}
	for i, rec := range list {
		scribbleFields(rec)
		list[i] = nil
	}
	wantListed(t, s, p.userA, p.a...)
	for _, rec := range p.a {
		wantStored(t, s, rec)
	}
}
