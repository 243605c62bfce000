package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/sessiond/sessiond"
)

// mustCreate stores rec and stops the test if that fails.
func mustCreate(t *testing.T, s sessiond.Store, rec *sessiond.Record) {
	t.Helper()
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create(%s): got error %v, want nil", rec.ID, err)
	}
}

// mustUpdate replaces the record at version and stops the test if that fails.
func mustUpdate(t *testing.T, s sessiond.Store, rec *sessiond.Record, version int64) {
	t.Helper()
	if err := s.Update(t.Context(), rec, version); err != nil {
		t.Fatalf("Update(%s, %d): got error %v, want nil", rec.ID, version, err)
	}
}

// mustGet returns the record with the given id and stops the test if it is
// not there.
func mustGet(t *testing.T, s sessiond.Store, id string) *sessiond.Record {
	t.Helper()
	rec, found, err := s.Get(t.Context(), id)
	if err != nil || !found || rec == nil {
		t.Fatalf("Get(%s): got (%v, %t, %v), want the record", id, rec != nil, found, err)
	}
	return rec
}

// mustFind returns the record that h leads to and stops the test if there is
// none.
func mustFind(t *testing.T, s sessiond.Store, h sessiond.Hash) *sessiond.Record {
	t.Helper()
	rec, found, err := s.Find(t.Context(), h)
	if err != nil || !found || rec == nil {
		t.Fatalf("Find(%x): got (%v, %t, %v), want a record", h[:4], rec != nil, found, err)
	}
	return rec
}

// wantEqual reports each field in which got differs from want.
func wantEqual(t *testing.T, what string, got, want *sessiond.Record) {
	t.Helper()
	for _, d := range diff(got, want) {
		t.Errorf("%s: %s", what, d)
	}
}

// wantStored checks that Get and Find by each of want's hashes return a
// record equal to want.
func wantStored(t *testing.T, s sessiond.Store, want *sessiond.Record) {
	t.Helper()
	wantEqual(t, "Get", mustGet(t, s, want.ID), want)
	for i, h := range want.Hashes() {
		wantEqual(t, fmt.Sprintf("Find(hash %d)", i), mustFind(t, s, h), want)
	}
}

// wantNoID checks that Get finds no record with the given id.
func wantNoID(t *testing.T, s sessiond.Store, id string) {
	t.Helper()
	rec, found, err := s.Get(t.Context(), id)
	if rec != nil || found || err != nil {
		t.Errorf("Get(%s): got (%v, %t, %v), want (nil, false, nil)", id, rec != nil, found, err)
	}
}

// wantNoHash checks that Find finds no record by h.
func wantNoHash(t *testing.T, s sessiond.Store, h sessiond.Hash) {
	t.Helper()
	rec, found, err := s.Find(t.Context(), h)
	if rec != nil || found || err != nil {
		t.Errorf("Find(%x): got (%v, %t, %v), want (nil, false, nil)", h[:4], rec != nil, found, err)
	}
}

// wantGone checks that neither the record's id nor any of its hashes leads
// to a record.
func wantGone(t *testing.T, s sessiond.Store, rec *sessiond.Record) {
	t.Helper()
	wantNoID(t, s, rec.ID)
	for _, h := range rec.Hashes() {
		wantNoHash(t, s, h)
	}
}

// wantListed checks that ListUser(userID) returns exactly the records want,
// in any order, each equal to its stored value.
func wantListed(t *testing.T, s sessiond.Store, userID string, want ...*sessiond.Record) {
	t.Helper()
	got, err := s.ListUser(t.Context(), userID)
	if err != nil {
		t.Fatalf("ListUser(%q): got error %v, want nil", userID, err)
	}
	if gotIDs, wantIDs := ids(got), ids(want); !slices.Equal(gotIDs, wantIDs) {
		t.Fatalf("ListUser(%q): got ids %v, want %v", userID, gotIDs, wantIDs)
	}
	byID := make(map[string]*sessiond.Record, len(want))
	for _, w := range want {
		byID[w.ID] = w
	}
	for _, g := range got {
		wantEqual(t, "ListUser", g, byID[g.ID])
	}
}

// ids returns the sorted ids of recs; a nil record shows as "<nil>".
func ids(recs []*sessiond.Record) []string {
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		if r == nil {
			out = append(out, "<nil>")
			continue
		}
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

// capability returns s as a T, one of the optional interfaces a store may
// implement, or skips the test when the store is not one.
func capability[T any](t *testing.T, s any) T {
	t.Helper()
	c, ok := s.(T)
	if !ok {
		t.Skipf("the store is not a %v", reflect.TypeFor[T]())
	}
	return c
}
