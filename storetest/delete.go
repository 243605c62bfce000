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
