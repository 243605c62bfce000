package storetest

import (
	"testing"

	"github.com/sessiond/sessiond"
)

// deleteTests check Delete.
var deleteTests = []test{
	{"RemovesIndexes", testDeleteRemovesIndexes},
	{"Twice", testDeleteTwice},
	{"Missing", testDeleteMissing},
}

// deleteManyTests check DeleteMany of stores that are a
// [sessiond.BatchDeleter]; they are skipped for the others.
var deleteManyTests = []test{
	{"RemovesIndexes", testDeleteManyRemovesIndexes},
	{"Nothing", testDeleteManyNothing},
}

// deleteAllTests check DeleteAll.
var deleteAllTests = []test{
	{"CountsAndEmpties", testDeleteAll},
}

// mustDelete deletes the record id and stops the test if that fails.
func mustDelete(t *testing.T, s sessiond.Store, id string) {
	t.Helper()
	if err := s.Delete(t.Context(), id); err != nil {
		t.Fatalf("Delete(%s): got error %v, want nil", id, err)
	}
}

// testDeleteRemovesIndexes deletes one of a user's two records: its id and
// every hash lead nowhere, and only the other record is listed.
func testDeleteRemovesIndexes(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	other := fullRecord(rec.UserID)
	mustCreate(t, s, rec)
	mustCreate(t, s, other)
	mustDelete(t, s, rec.ID)
	wantGone(t, s, rec)
	wantStored(t, s, other)
	wantListed(t, s, rec.UserID, other)
}

// testDeleteTwice deletes the same record twice; the second is not an error.
func testDeleteTwice(t *testing.T, h Harness) {
	s := h.store(t)
	rec := fullRecord(randomUser())
	mustCreate(t, s, rec)
	mustDelete(t, s, rec.ID)
	mustDelete(t, s, rec.ID)
	wantGone(t, s, rec)
}

// testDeleteMissing deletes a record that never existed.
func testDeleteMissing(t *testing.T, h Harness) {
	s := h.store(t)
	kept := NewRecord(randomUser())
	mustCreate(t, s, kept)
	mustDelete(t, s, NewRecord("").ID)
	wantStored(t, s, kept)
}

// testDeleteAll empties a store of its own. It first drains whatever the
// store holds, so that the count it checks is of the records it made.
func testDeleteAll(t *testing.T, h Harness) {
	s := h.store(t)
	if _, err := s.DeleteAll(t.Context()); err != nil {
		t.Fatalf("DeleteAll (drain): got error %v, want nil", err)
	}
	user := randomUser()
	recs := []*sessiond.Record{fullRecord(user), fullRecord(user), fullRecord("")}
	for _, rec := range recs {
		mustCreate(t, s, rec)
	}
	wantDeleteAll(t, s, len(recs))
	for _, rec := range recs {
		wantGone(t, s, rec)
	}
	wantListed(t, s, user)
	wantDeleteAll(t, s, 0)
}

// wantDeleteAll calls DeleteAll and checks the count it reports.
func wantDeleteAll(t *testing.T, s sessiond.Store, want int) {
	t.Helper()
	n, err := s.DeleteAll(t.Context())
	if err != nil {
		t.Fatalf("DeleteAll: got error %v, want nil", err)
	}
	if n != want {
		t.Errorf("DeleteAll: got %d, want %d", n, want)
	}
}

// batchDeleter returns a fresh store from h as a BatchDeleter, or skips.
func (h Harness) batchDeleter(t *testing.T) (sessiond.Store, sessiond.BatchDeleter) {
	t.Helper()
	s := h.store(t)
	return s, capability[sessiond.BatchDeleter](t, s)
}

// testDeleteManyRemovesIndexes deletes two of a user's three records, one
// of them rotated, and an id that never existed, at once: their ids and
// every hash lead nowhere, the third record is listed alone, and another
// user's record stays.
func testDeleteManyRemovesIndexes(t *testing.T, h Harness) {
	s, b := h.batchDeleter(t)
	user := randomUser()
	a, rotatedRec, kept := fullRecord(user), fullRecord(user), fullRecord(user)
	other := fullRecord(randomUser())
	for _, rec := range []*sessiond.Record{a, rotatedRec, kept, other} {
		mustCreate(t, s, rec)
	}
	next := rotated(rotatedRec)
	mustUpdate(t, s, next, rotatedRec.Version)
	if err := b.DeleteMany(t.Context(), []string{a.ID, NewRecord("").ID, next.ID}); err != nil {
		t.Fatalf("DeleteMany: got error %v, want nil", err)
	}
	wantGone(t, s, a)
	wantGone(t, s, next)
	wantStored(t, s, kept)
	wantStored(t, s, other)
	wantListed(t, s, user, kept)
	wantListed(t, s, other.UserID, other)
}

// testDeleteManyNothing deletes no ids, and ids of no record: neither is an
// error, and nothing changes.
func testDeleteManyNothing(t *testing.T, h Harness) {
	s, b := h.batchDeleter(t)
	kept := fullRecord(randomUser())
	mustCreate(t, s, kept)
	for _, ids := range [][]string{nil, {NewRecord("").ID, NewRecord("").ID}} {
		if err := b.DeleteMany(t.Context(), ids); err != nil {
			t.Errorf("DeleteMany(%d ids): got error %v, want nil", len(ids), err)
		}
	}
	wantStored(t, s, kept)
	wantListed(t, s, kept.UserID, kept)
}
