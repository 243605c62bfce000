package pgstore_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// TestNoTableScansAfterGrowth makes the store's statements six times on
// tables of a few rows, on one connection, so that PostgreSQL settles on
// the generic plan of each prepared statement, which it keeps until the
// tables' statistics change (without autovacuum, never). It then grows
// the tables to 50,000 sessions and 5,000 audit events and checks that
// logins, rotations, reads, lists, touches, revocations, queries of
// events and the janitor's sweep of sessions still use the indexes: a
// plan that scans the sessions table costs every login time in
// proportion to the sessions stored. (The janitor's audit retention,
// planned afresh each time, may scan 5,000 events: at that size it is the
// cheaper plan.)
func TestNoTableScansAfterGrowth(t *testing.T) {
	testPool(t)
	u, err := url.Parse(testURL())
	if err != nil {
		t.Skipf("%s is not a URL to which a pool size can be added: %v", envURL, err)
	}
	q := u.Query()
	q.Set("pool_max_conns", "1")
	u.RawQuery = q.Encode()
	p, err := connect(u.String())
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(p.Close)
	s := newStore(t, p, pgstore.Config{})
	ctx := t.Context()
	table := pgx.Identifier{s.Schema(), "sessions"}.Sanitize()
	eventTable := pgx.Identifier{s.Schema(), "audit_events"}.Sanitize()

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
		if _, found, err := s.Find(ctx, a.TokenHash); !found || err != nil {
			t.Fatalf("Find of a retired hash: got %v, %v, want a record", found, err)
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
		for _, q := range []sessiond.EventQuery{{UserID: "alice"}, {SessionID: a.ID}, {Type: sessiond.EventCreated}, {}} {
			if _, err := s.QueryEvents(ctx, q); err != nil {
				t.Fatalf("QueryEvents(%+v): %v", q, err)
			}
		}
		if err := s.Delete(ctx, old.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if err := s.DeleteMany(ctx, []string{a.ID, b.ID}); err != nil {
			t.Fatalf("DeleteMany: %v", err)
		}
	}
	// scans is the number of sequential scans of the sessions and
	// events tables so far, once the connection has reported its own.
	scans := func() (sessions, events int64) {
		t.Helper()
		if _, err := p.Exec(ctx, "SELECT pg_stat_force_next_flush()"); err != nil {
			t.Fatalf("flushing statistics: %v", err)
		}
		err := p.QueryRow(ctx, `SELECT
	sum(seq_scan) FILTER (WHERE relname = 'sessions'),
	sum(seq_scan) FILTER (WHERE relname = 'audit_events')
FROM pg_stat_user_tables WHERE schemaname = $1`, s.Schema()).Scan(&sessions, &events)
		if err != nil {
			t.Fatalf("reading statistics: %v", err)
		}
		return sessions, events
	}

	sweep := func() {
		t.Helper()
		if _, err := s.Sweep(ctx); err != nil {
			t.Fatalf("Sweep: %v", err)
		}
	}
	for range 6 {
		use()
		sweep()
	}
	// Anonymous sessions, which no list reads: their records are not
	// real encodings.
	_, err = p.Exec(ctx, `INSERT INTO `+table+` (id, user_id, version, last_seen_at, idle_expires_at, absolute_expires_at, rec, token_hash, token_set)
SELECT 'grown-' || g, '', 1, now(), now() + interval '1 hour', now() + interval '1 day', '\x00', sha256(g::text::bytea), '\x00'
FROM generate_series(1, 50000) AS g`)
	if err != nil {
		t.Fatalf("growing the table: %v", err)
	}
	_, err = p.Exec(ctx, `INSERT INTO `+eventTable+` (time, type, user_id, session_id, ip, user_agent, reason, event_id, actor)
SELECT now() - g * interval '1 second', 'session.created', 'user-' || g, 'grown-' || g, '192.0.2.1', 'agent', '', 'event-' || g, ''
FROM generate_series(1, 5000) AS g`)
	if err != nil {
		t.Fatalf("growing the events: %v", err)
	}
	sessions0, events0 := scans()
	use()
	_, events1 := scans()
	sweep()
	sessions1, _ := scans()
	if n := sessions1 - sessions0; n != 0 {
		t.Errorf("logins, rotations, reads, lists, touches, revocations and the janitor scanned the sessions table %d times, want 0", n)
	}
	if n := events1 - events0; n != 0 {
		t.Errorf("queries of audit events scanned the events table %d times, want 0", n)
	}
}
