package pgstore_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// TestNoTableScansAfterGrowth makes the store's statements on a table of
// a few sessions, on one connection that keeps PostgreSQL's generic plan
// of each (as it does for a prepared statement until the table's
// statistics change, which without autovacuum is never), then grows the
// table to 5,000 sessions and checks that logins, rotations, reads,
// lists, touches and revocations still read the sessions table by its indexes:
// a plan that scans it would cost every login time in proportion to the
// number of sessions stored.
func TestNoTableScansAfterGrowth(t *testing.T) {
	testPool(t)
	p, err := connect(testURL() + "&pool_max_conns=1&plan_cache_mode=force_generic_plan")
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(p.Close)
	s := newStore(t, p, pgstore.Config{})
	ctx := t.Context()
	table := pgx.Identifier{s.Schema(), "sessions"}.Sanitize()

	use := func() {
		t.Helper()
		a, b := storetest.NewRecord("alice"), storetest.NewRecord("alice")
		old := storetest.NewRecord("bob")
		old.Retired = []sessiond.RetiredToken{{Hash: storetest.NewRecord("").TokenHash, GraceUntil: old.LastSeenAt}}
		mustCreate(t, s, a, b, old)
		next := *a
		next.Retired = []sessiond.RetiredToken{{Hash: a.TokenHash, GraceUntil: a.LastSeenAt}}
		next.TokenHash = storetest.NewRecord("").TokenHash
		next.Version++
		if err := s.Update(ctx, &next, a.Version); err != nil {
			t.Fatalf("Update (rotation): %v", err)
		}
		if _, found, err := s.Find(ctx, next.TokenHash); !found || err != nil {
			t.Fatalf("Find: got %v, %v, want a record", found, err)
		}
		if _, found, err := s.Get(ctx, b.ID); !found || err != nil {
			t.Fatalf("Get: got %v, %v, want a record", found, err)
		}
		at := b.LastSeenAt.Add(time.Second)
		if err := s.Touch(ctx, b.ID, at, at.Add(time.Hour)); err != nil {
			t.Fatalf("Touch: %v", err)
		}
		if recs, err := s.ListUser(ctx, "alice"); len(recs) != 2 || err != nil {
			t.Fatalf("ListUser: got %d records, %v, want 2", len(recs), err)
		}
		page, err := s.ListAll(ctx, sessiond.ListPosition{}, 2)
		if len(page) != 2 || err != nil {
			t.Fatalf("ListAll: got %d records, %v, want 2", len(page), err)
		}
		if _, err := s.ListAll(ctx, page[1].Position(), 2); err != nil {
			t.Fatalf("ListAll after: %v", err)
		}
		if err := s.Delete(ctx, old.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if err := s.DeleteMany(ctx, []string{a.ID, b.ID}); err != nil {
			t.Fatalf("DeleteMany: %v", err)
		}
	}
	// scans is the number of sequential scans of the sessions table so
	// far, once the connection has reported its own.
	scans := func() int64 {
		t.Helper()
		if _, err := p.Exec(ctx, "SELECT pg_stat_force_next_flush()"); err != nil {
			t.Fatalf("flushing statistics: %v", err)
		}
		var n int64
		err := p.QueryRow(ctx, "SELECT seq_scan FROM pg_stat_user_tables WHERE relid = $1::regclass", table).Scan(&n)
		if err != nil {
			t.Fatalf("reading statistics: %v", err)
		}
		return n
	}

	for range 6 {
		use()
	}
	// Anonymous sessions, which no list reads: their records are not
	// real encodings.
	_, err = p.Exec(ctx, `INSERT INTO `+table+` (id, user_id, version, last_seen_at, idle_expires_at, absolute_expires_at, rec, token_hash, token_set)
SELECT 'grown-' || g, '', 1, now(), now() + interval '1 hour', now() + interval '1 day', '\x00', sha256(g::text::bytea), '\x00'
FROM generate_series(1, 5000) AS g`)
	if err != nil {
		t.Fatalf("growing the table: %v", err)
	}
	before := scans()
	use()
	if n := scans() - before; n != 0 {
		t.Errorf("logins, rotations, reads, lists, touches and revocations scanned the sessions table %d times, want 0", n)
	}
}
