package pgstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
)

// updateCounts returns how many rows of table have been updated, and how
// many of those updates were heap-only (HOT), by the server's statistics.
// It first has every idle connection of p flush the statistics it holds
// back (PostgreSQL 15 and later), so p must be the test's own pool.
func updateCounts(t *testing.T, p *pgxpool.Pool, table string) (updated, heapOnly int64) {
	t.Helper()
	for _, c := range p.AcquireAllIdle(t.Context()) {
		_, err := c.Exec(t.Context(), "SELECT pg_stat_force_next_flush()")
		c.Release()
		if err != nil && strings.Contains(err.Error(), "does not exist") {
			t.Skipf("needs PostgreSQL 15 or later, to read the statistics at once: %v", err)
		}
		if err != nil {
			t.Fatalf("flushing statistics: %v", err)
		}
	}
	err := p.QueryRow(t.Context(), "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = $1::regclass",
		table).Scan(&updated, &heapOnly)
	if err != nil {
		t.Fatalf("reading statistics: %v", err)
	}
	return updated, heapOnly
}

// TestTouchHeapOnly checks that a touch is a heap-only (HOT) update: it
// adds no entry to any index, so the lookup behind every request does not
// slow down as sessions are touched, between vacuums. It fills many pages
// with sessions, brings each one's idle deadline into one ten-minute bin,
// then touches each three times more within the bin: every one of those
// updates must be heap-only. An index on a column a touch moves would
// make them all ordinary updates; pages filled to the brim, the first
// touch on each full page (10 of the 900 here), and a busy server a few
// more.
func TestTouchHeapOnly(t *testing.T) {
	testPool(t) // skips without a server
	p, err := connect(testURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	s := newStore(t, p, pgstore.Config{SweepInterval: -1})
	table := pgx.Identifier{s.Schema(), "sessions"}.Sanitize()

	now := time.Now().UTC().Truncate(time.Microsecond)
	bin := now.Truncate(10 * time.Minute).Add(time.Hour) // date_bin's bins, counted from 2000-01-01 UTC
	const n = 300
	recs := make([]*sessiond.Record, n)
	for i := range recs {
		recs[i] = expiringIn(time.Minute, now)
		recs[i].AbsoluteExpiresAt = now.Add(24 * time.Hour)
	}
	mustCreate(t, s, recs...)
	touchAll := func(at time.Time) {
		t.Helper()
		for _, rec := range recs {
			if err := s.Touch(t.Context(), rec.ID, now, at); err != nil {
				t.Fatalf("Touch: got error %v, want nil", err)
			}
		}
	}
	touchAll(bin.Add(time.Second))
	updated0, heapOnly0 := updateCounts(t, p, table)
	for i := range 3 {
		touchAll(bin.Add(time.Duration(i+2) * time.Second))
	}
	updated, heapOnly := updateCounts(t, p, table)
	if got := updated - updated0; got != 3*n {
		t.Fatalf("statistics: got %d updates, want %d", got, 3*n)
	}
	// All are heap-only on a quiet server. A busy one (other tests'
	// transactions holding old snapshots) keeps dead versions from being
	// pruned, and a page that fills up takes an ordinary update: 732 of
	// 900 were seen so. An index on a column a touch moves makes none
	// heap-only, so more than half tells the two apart.
	if got := heapOnly - heapOnly0; got <= 3*n/2 {
		t.Errorf("touches within one bin: got %d of %d heap-only, want nearly all", got, 3*n)
	}
}
