package storetest

import (
	"testing"

	"github.com/sessiond/sessiond"
)

// listUserTests check ListUser and the per-user index.
var listUserTests = []test{
	{"Exact", testListUserExact},
	{"Unknown", testListUserUnknown},
	{"FollowsDelete", testListUserFollowsDelete},
	{"FollowsUpdate", testListUserFollowsUpdate},
}

// population is a store's records of two users and one anonymous session.
type population struct {
	userA, userB string
	a            []*sessiond.Record // three records of userA
	b            []*sessiond.Record // two records of userB
	anon         *sessiond.Record
}

// populate stores three records for one user, two for another and one
// anonymous record.
func populate(t *testing.T, s sessiond.Store) population {
	t.Helper()
	p := population{userA: randomUser(), userB: randomUser(), anon: fullRecord("")}
	p.a = []*sessiond.Record{fullRecord(p.userA), fullRecord(p.userA), NewRecord(p.userA)}
	p.b = []*sessiond.Record{fullRecord(p.userB), NewRecord(p.userB)}
	for _, rec := range append(append([]*sessiond.Record{p.anon}, p.a...), p.b...) {
		mustCreate(t, s, rec)
	}
	return p
}

// testListUserExact lists each user's records, and none under "".
func testListUserExact(t *testing.T, h Harness) {
	s := h.store(t)
	p := populate(t, s)
	wantListed(t, s, p.userA, p.a...)
	wantListed(t, s, p.userB, p.b...)
	wantListed(t, s, "")
	wantStored(t, s, p.anon)
}

// testListUserUnknown lists a user that has no records.
func testListUserUnknown(t *testing.T, h Harness) {
	s := h.store(t)
	populate(t, s)
	wantListed(t, s, randomUser())
}

// testListUserFollowsDelete deletes records and lists again.
func testListUserFollowsDelete(t *testing.T, h Harness) {
	s := h.store(t)
	p := populate(t, s)
	mustDelete(t, s, p.a[1].ID)
	mustDelete(t, s, p.anon.ID)
	wantListed(t, s, p.userA, p.a[0], p.a[2])
	wantListed(t, s, p.userB, p.b...)
	for _, rec := range p.b {
		mustDelete(t, s, rec.ID)
	}
	wantListed(t, s, p.userB)
	wantListed(t, s, "")
}

// testListUserFollowsUpdate moves records between users and to and from
// anonymous with Update, and lists again.
func testListUserFollowsUpdate(t *testing.T, h Harness) {
	s := h.store(t)
	p := populate(t, s)
	toA := moveTo(t, s, p.b[0], p.userA)      // B → A
	toAnon := moveTo(t, s, p.a[0], "")        // A → anonymous
	fromAnon := moveTo(t, s, p.anon, p.userB) // anonymous → B (a login)
	wantListed(t, s, p.userA, p.a[1], p.a[2], toA)
	wantListed(t, s, p.userB, p.b[1], fromAnon)
	wantListed(t, s, "")
	wantStored(t, s, toAnon)
}

// moveTo gives rec to userID with Update and returns the new value.
func moveTo(t *testing.T, s sessiond.Store, rec *sessiond.Record, userID string) *sessiond.Record {
	t.Helper()
	next := rotated(rec)
	next.UserID = userID
	mustUpdate(t, s, next, rec.Version)
	return next
}
