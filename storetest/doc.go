// Package storetest is the conformance suite that every [sessiond.Store]
// runs: the memory store, the embedded bbolt store, Redis and PostgreSQL.
//
// A backend's test calls [Run] with a [Harness] that makes fresh stores:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			New: func(t *testing.T) sessiond.Store {
//				s := memstore.New(memstore.Config{})
//				t.Cleanup(func() { s.Close() })
//				return s
//			},
//		})
//	}
//
// # What it checks
//
// The suite checks the contract written on [sessiond.Store]:
//
//   - Create, Get and Find give back a record equal to the one stored, every
//     field of it, with times compared by [time.Time.Equal] and in UTC.
//   - Not found is (nil, false, nil), for Get and for Find.
//   - Create refuses a taken ID or token hash with [sessiond.ErrConflict].
//   - Find answers for the current and for every retired token hash, and the
//     token index follows the record through Update and Delete.
//   - Update is a compare-and-swap on the version: a stale version, a missing
//     record or a token hash that belongs to another record is
//     [sessiond.ErrConflict] and changes nothing; twenty goroutines doing
//     read-modify-write with retries lose no write, with or without
//     concurrent Touch calls.
//   - Touch moves LastSeenAt and IdleExpiresAt forward only, each on its
//     own, leaves everything else alone and never brings a record back:
//     not a deleted one, and (with [Harness.Pass]) not one that expired by
//     the store's clock and is still waiting for its sweep.
//   - Delete removes the record and all its index entries, and is idempotent.
//   - ListUser lists exactly one user's records, follows Update and Delete,
//     and never lists anonymous records, not even under "".
//   - DeleteAll reports how many records it removed and leaves none.
//   - With [Harness.Advance]: expired records, by their idle or absolute
//     deadline, are gone from Get, Find (retired hashes too) and ListUser,
//     a second before its deadline a record is still there, a touched
//     record outlives its old deadline, and a store that is a
//     [sessiond.ExpiryWatcher] reports each removed record once to each
//     of its callbacks, which may call the store. [Clocked] makes the
//     harness of a store on a test clock, such as
//     [github.com/sessiond/sessiond/fakeclock.Clock].
//
// It also checks that a store keeps no memory the caller passed in: changing
// a record after Create or Update changes nothing stored.
//
//   - If the store is a [sessiond.AuditStore]: events come back as they
//     went in, newest first, selected by user, session and type, within
//     the limit.
//   - If the store is a [sessiond.SessionLister]: ListAll lists the
//     records of every user and no anonymous one, the latest absolute
//     deadline first and the greater id first for the same deadline, in
//     pages of any size that each start after the record that ended the
//     one before; it follows Delete and Update, and (with
//     [Harness.Advance]) forgets what expired by either deadline.
//   - If the store is a [sessiond.BatchDeleter]: DeleteMany deletes the
//     records of the ids given, rotated ones too, with every index entry,
//     leaves the others alone, and takes missing ids and none at all.
//   - If the store is a [sessiond.TokenToucher]: TouchToken touches the
//     record of the id, and only it, whatever the hash leads to (the
//     current home, a retired hash, nothing, another record), and never
//     brings a record back.
//
// [Bench] runs the benchmarks every store shares.
//
// Cancelled contexts are not checked: what a backend does with one differs
// (the memory store ignores it, a network store gives up) and both are right.
//
// # Shared backends
//
// Every record the suite makes has random IDs, user ids and token hashes from
// crypto/rand, so subtests do not collide on a backend shared with earlier
// runs. Subtests run one after the other, never in parallel, because the
// DeleteAll subtest empties the whole store and the ListAll subtests list
// it whole: do not point two suites at the same Redis database or
// PostgreSQL schema at the same time.
//
// Records use UTC times truncated to the microsecond, the precision of
// PostgreSQL's timestamptz.
package storetest
