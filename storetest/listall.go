package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// listAllTests check a store that is also a sessiond.SessionLister.
var listAllTests = []test{
	{"Order", testListAllOrder},
	{"Pages", testListAllPages},
	{"FollowsDeleteAndUpdate", testListAllFollows},
	{"Expired", testListAllExpired},
	{"AfterDeleteAll", testListAllAfterDeleteAll},
}

// lister returns a fresh store from h as a SessionLister, or skips.
func (h Harness) lister(t *testing.T) (sessiond.Store, sessiond.SessionLister) {
	t.Helper()
	s := h.store(t)
	return s, capability[sessiond.SessionLister](t, s)
}

// deadlines stores a record of a user of its own for each absolute
// deadline, that many minutes from an hour from now, and returns them.
func deadlines(t *testing.T, s sessiond.Store, minutes ...int) []*sessiond.Record {
	t.Helper()
	base := now().Add(time.Hour)
	recs := make([]*sessiond.Record, len(minutes))
	for i, m := range minutes {
		recs[i] = fullRecord(randomUser())
		recs[i].AbsoluteExpiresAt = base.Add(time.Duration(m) * time.Minute)
		mustCreate(t, s, recs[i])
	}
	return recs
}

// inListOrder returns recs sorted as ListAll lists them.
func inListOrder(recs ...*sessiond.Record) []*sessiond.Record {
	out := slices.Clone(recs)
	slices.SortFunc(out, func(a, b *sessiond.Record) int {
		if a.Position().Before(b) {
			return -1
		}
		return 1
	})
	return out
}

// listAll reads every page of l, limit records a page, and checks that
// each page but the last is full.
func listAll(t *testing.T, l sessiond.SessionLister, limit int) []*sessiond.Record {
	t.Helper()
	var all []*sessiond.Record
	var after sessiond.ListPosition
	for range 1000 {
		page, err := l.ListAll(t.Context(), after, limit)
		if err != nil {
			t.Fatalf("ListAll(%+v, %d): got error %v, want nil", after, limit, err)
		}
		if len(page) > limit {
			t.Fatalf("ListAll(%+v, %d): got %d records, want at most %d", after, limit, len(page), limit)
		}
		all = append(all, page...)
		if len(page) < limit {
			return all
		}
		after = page[len(page)-1].Position()
	}
	t.Fatal("ListAll: no end after 1000 pages")
	return nil
}

// wantList checks that got holds the records want, in that order, each
// equal to its stored value.
func wantList(t *testing.T, got []*sessiond.Record, want ...*sessiond.Record) {
	t.Helper()
	var gotIDs, wantIDs []string
	for _, r := range got {
		gotIDs = append(gotIDs, r.ID)
	}
	for _, r := range want {
		wantIDs = append(wantIDs, r.ID)
	}
	if !slices.Equal(gotIDs, wantIDs) {
		t.Fatalf("ListAll: got ids %v, want %v", gotIDs, wantIDs)
	}
	for i := range got {
		wantEqual(t, "ListAll", got[i], want[i])
	}
}

// testListAllOrder lists records of several users, the latest absolute
// deadline first and, for the same deadline, the greater id first; an
// anonymous record is not listed.
func testListAllOrder(t *testing.T, h Harness) {
	s, l := h.lister(t)
	recs := deadlines(t, s, 3, 1, 5, 1, 2)
	mustCreate(t, s, fullRecord(""))
	wantList(t, listAll(t, l, 100), inListOrder(recs...)...)
}

// testListAllPages reads the list in pages of 2 and of 3, each page
// starting after the last record of the one before.
func testListAllPages(t *testing.T, h Harness) {
	s, l := h.lister(t)
	recs := deadlines(t, s, 4, 9, 1, 7, 7, 7)
	want := inListOrder(recs...)
	for _, limit := range []int{1, 2, 3, 4} {
		wantList(t, listAll(t, l, limit), want...)
	}
	page, err := l.ListAll(t.Context(), want[len(want)-1].Position(), 5)
	if err != nil || len(page) != 0 {
		t.Errorf("ListAll after the last record: got (%d records, %v), want (0, nil)", len(page), err)
	}
}

// testListAllFollows deletes a record and moves others to and from
// anonymous with Update: the list follows.
func testListAllFollows(t *testing.T, h Harness) {
	s, l := h.lister(t)
	recs := deadlines(t, s, 1, 2, 3)
	anon := fullRecord("")
	mustCreate(t, s, anon)
	mustDelete(t, s, recs[0].ID)
	login := moveTo(t, s, anon, randomUser())
	gone := moveTo(t, s, recs[1], "")
	renewed := rotated(recs[2])
	mustUpdate(t, s, renewed, recs[2].Version)
	wantList(t, listAll(t, l, 2), inListOrder(login, renewed)...)
	wantStored(t, s, gone)
}

// testListAllExpired lets records pass their idle and their absolute
// deadlines: once the store has forgotten them, they are not listed.
func testListAllExpired(t *testing.T, h Harness) {
	s, l := h.lister(t)
	idle, abs := expiring(randomUser()), fullRecord(randomUser())
	abs.AbsoluteExpiresAt = now().Add(time.Minute)
	live := deadlines(t, s, 0)
	mustCreate(t, s, idle)
	mustCreate(t, s, abs)
	advance(t, h, s, 2*time.Minute)
	wantList(t, listAll(t, l, 1), live...)
}

// testListAllAfterDeleteAll empties the store: nothing is listed, then
// only what is created after.
func testListAllAfterDeleteAll(t *testing.T, h Harness) {
	s, l := h.lister(t)
	deadlines(t, s, 1, 2)
	if _, err := s.DeleteAll(t.Context()); err != nil {
		t.Fatalf("DeleteAll: got error %v, want nil", err)
	}
	wantList(t, listAll(t, l, 10))
	later := deadlines(t, s, 3)
	wantList(t, listAll(t, l, 10), later...)
}
