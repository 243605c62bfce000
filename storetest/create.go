package storetest

import (
	"errors"
	"testing"

	"github.com/sessiond/sessiond"
)

// createTests check Create, Get and Find.
var createTests = []test{
	{"GetAndFind", testCreateGetFind},
	{"Anonymous", testCreateAnonymous},
	{"FindRetired", testFindRetired},
	{"Missing", testMissing},
	{"DuplicateID", testDuplicateID},
	{"DuplicateHash", testDuplicateHash},
	{"KeepsNoPointer", testCreateKeepsNoPointer},
}

// testCreateGetFind stores a record with every field set and reads it back
// by id and by current token hash.
func testCreateGetFind(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	wantEqual(t, "Get", mustGet(t, s, rec.ID), rec)
	wantEqual(t, "Find", mustFind(t, s, rec.TokenHash), rec)
}

// testCreateAnonymous stores a minimal anonymous record, with nil slices and
// zero AuthTime, and reads it back.
func testCreateAnonymous(t *testing.T, h Harness) {
	s := h.store(t)
	rec := NewRecord("")
	mustCreate(t, s, rec)
	wantStored(t, s, rec)
}

// testFindRetired finds a record by each of its retired token hashes.
func testFindRetired(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	for _, rt := range rec.Retired {
		wantEqual(t, "Find(retired)", mustFind(t, s, rt.Hash), rec)
	}
}

// testMissing looks up an id and a hash that were never stored.
func testMissing(t *testing.T, h Harness) {
	s := h.store(t)
	mustCreate(t, s, NewRecord(randomUser())) // so that the store is not empty
	wantNoID(t, s, NewRecord("").ID)
	wantNoHash(t, s, randomHash())
}

// testDuplicateID creates a second record with the ID of the first.
func testDuplicateID(t *testing.T, h Harness) {
	s := h.store(t)
	first := fullRecord(randomUser())
	mustCreate(t, s, first)
	second := NewRecord(randomUser())
	second.ID = first.ID
	wantConflict(t, "Create", s.Create(t.Context(), second))
	wantStored(t, s, first)
	wantNoHash(t, s, second.TokenHash)
	wantListed(t, s, second.UserID)
}

// testDuplicateHash creates records whose current or retired token hash
// is already the current or a retired hash of another record.
func testDuplicateHash(t *testing.T, h Harness) {
	s := h.store(t)
	first := fullRecord(randomUser())
	mustCreate(t, s, first)
	for _, tc := range []struct {
		name    string
		hash    sessiond.Hash
		retired bool // the new record's retired hash, not its current one
	}{
		{"Current", first.TokenHash, false},
		{"Retired", first.Retired[1].Hash, false},
		{"RetiredIsCurrent", first.TokenHash, true},
		{"RetiredIsRetired", first.Retired[0].Hash, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			second := NewRecord(first.UserID)
			if tc.retired {
				second = fullRecord(first.UserID)
				second.Retired[1].Hash = tc.hash
			} else {
				second.TokenHash = tc.hash
			}
			wantConflict(t, "Create", s.Create(t.Context(), second))
			wantNoID(t, s, second.ID)
			wantStored(t, s, first)
			wantListed(t, s, first.UserID, first)
		})
	}
}

// testCreateKeepsNoPointer changes the record passed to Create afterwards,
// which must not change the stored one.
func testCreateKeepsNoPointer(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	want := cloneRecord(rec)
	mustCreate(t, s, rec)
	scribble(rec)
	wantStored(t, s, want)
}

// wantConflict checks that err is ErrConflict.
func wantConflict(t *testing.T, op string, err error) {
	t.Helper()
	if !errors.Is(err, sessiond.ErrConflict) {
		t.Errorf("%s: got error %v, want %v", op, err, sessiond.ErrConflict)
	}
}
