package pgstore_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// appliedVersions returns the rows of schema's version table.
func appliedVersions(t *testing.T, p *pgxpool.Pool, schema string) []int {
	t.Helper()
	rows, _ := p.Query(t.Context(), "SELECT version FROM "+
		pgx.Identifier{schema, "schema_migrations"}.Sanitize()+" ORDER BY version")
	v, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatalf("reading the version table: %v", err)
	}
	return v
}

// released are the versions of the package's migrations.
var released = []int{1, 2, 3, 4, 5, 6}

// wantVersions checks that schema has each migration applied once.
func wantVersions(t *testing.T, p *pgxpool.Pool, schema string) {
	t.Helper()
	if got := appliedVersions(t, p, schema); !slices.Equal(got, released) {
		t.Errorf("applied versions: got %v, want %v", got, released)
	}
}

// TestMigrateAgain opens a schema a second time: nothing is applied twice
// and the data stays.
func TestMigrateAgain(t *testing.T) {
	p := testPool(t)
	first := newStore(t, p, pgstore.Config{})
	rec := storetest.NewRecord("alice")
	if err := first.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	second := newStore(t, p, pgstore.Config{Schema: first.Schema()})
	wantVersions(t, p, first.Schema())
	if _, found, err := second.Get(t.Context(), rec.ID); !found || err != nil {
		t.Errorf("Get through the second store: got (%t, %v), want (true, nil)", found, err)
	}
}

// TestMigrateConcurrently starts several stores on a new schema at once,
// as replicas starting together would: each succeeds and each migration
// is applied once.
func TestMigrateConcurrently(t *testing.T) {
	p := testPool(t)
	schema := randomSchema()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	const replicas = 4
	var wg sync.WaitGroup
	for range replicas {
		wg.Go(func() {
			s, err := pgstore.New(t.Context(), pgstore.Config{Pool: p, Schema: schema})
			if err != nil {
				t.Errorf("New: got error %v, want nil", err)
				return
			}
			s.Close()
		})
	}
	wg.Wait()
	wantVersions(t, p, schema)
}

// TestMigrateNewerSchema opens a schema that a newer release has migrated
// further: the unknown version is left alone.
func TestMigrateNewerSchema(t *testing.T) {
	p := testPool(t)
	s := newStore(t, p, pgstore.Config{})
	table := pgx.Identifier{s.Schema(), "schema_migrations"}.Sanitize()
	if _, err := p.Exec(t.Context(), "INSERT INTO "+table+" (version, name) VALUES (9999, 'future.sql')"); err != nil {
		t.Fatal(err)
	}
	newStore(t, p, pgstore.Config{Schema: s.Schema()})
	want := append(slices.Clone(released), 9999)
	if got := appliedVersions(t, p, s.Schema()); !slices.Equal(got, want) {
		t.Errorf("applied versions: got %v, want %v", got, want)
	}
}

// takeBack runs sql in schema, as a migration would, to take the schema
// back to an earlier version.
func takeBack(t *testing.T, p *pgxpool.Pool, schema, version, sql string) {
	t.Helper()
	sql = "SET LOCAL search_path = " + pgx.Identifier{schema}.Sanitize() + ";\n" + sql
	if err := pgx.BeginFunc(t.Context(), p, func(tx pgx.Tx) error {
		_, err := tx.Exec(t.Context(), sql)
		return err
	}); err != nil {
		t.Fatalf("taking the schema back to version %s: %v", version, err)
	}
}

// TestMigrateFromVersion2 takes a schema with sessions in it back to its
// shape at version 2, then opens it: migration 3 moves the janitor's index
// to expiry_bin, and the sessions are still found, and swept when they
// expire.
func TestMigrateFromVersion2(t *testing.T) {
	p := testPool(t)
	c := newClock()
	s := newStore(t, p, pgstore.Config{Now: c.Now, SweepInterval: -1})
	now := c.Now().UTC().Truncate(time.Microsecond)
	short, long := expiringIn(time.Minute, now), expiringIn(time.Hour, now)
	mustCreate(t, s, short, long)
	takeBack(t, p, s.Schema(), "2", `DROP INDEX sessions_expiry_bin;
ALTER TABLE sessions DROP COLUMN expiry_bin;
ALTER TABLE sessions RESET (fillfactor);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
DELETE FROM schema_migrations WHERE version = 3`)

	upgraded := newStore(t, p, pgstore.Config{Schema: s.Schema(), Now: c.Now, SweepInterval: -1})
	wantVersions(t, p, s.Schema())
	for _, rec := range []*sessiond.Record{short, long} {
		if _, ok, err := upgraded.Find(t.Context(), rec.TokenHash); !ok || err != nil {
			t.Errorf("Find after the migration: got (%t, %v), want (true, nil)", ok, err)
		}
	}
	c.Advance(2 * time.Minute)
	if got := mustSweep(t, upgraded); got != 1 {
		t.Errorf("Sweep after the migration: got %d removed, want 1", got)
	}
	if expired, live := found(t, upgraded, short.ID), found(t, upgraded, long.ID); expired || !live {
		t.Errorf("after the sweep: got (expired %t, live %t) found, want (false, true)", expired, live)
	}
}

// TestMigrateFromVersion3 takes a schema back to its shape at version 3,
// writes an event as that version did, then opens it: migration 4 adds
// the actor, which the old event lacks and a new one keeps.
func TestMigrateFromVersion3(t *testing.T) {
	p := testPool(t)
	s := newStore(t, p, pgstore.Config{})
	takeBack(t, p, s.Schema(), "3", `ALTER TABLE audit_events DROP COLUMN actor;
INSERT INTO audit_events (time, type, user_id, session_id, ip, user_agent, reason, event_id)
VALUES (now(), 'session.revoked', 'alice', 's1', '192.0.2.1', 'agent/1', 'logout', 'old');
DELETE FROM schema_migrations WHERE version = 4`)

	upgraded := newStore(t, p, pgstore.Config{Schema: s.Schema()})
	wantVersions(t, p, s.Schema())
	later := sessiond.Event{ID: "new", Time: time.Now(), Type: sessiond.EventRevoked, UserID: "alice", Actor: "operator:root"}
	if err := upgraded.AppendEvent(t.Context(), later); err != nil {
		t.Fatalf("AppendEvent: got error %v, want nil", err)
	}
	got, err := upgraded.QueryEvents(t.Context(), sessiond.EventQuery{UserID: "alice"})
	if err != nil || len(got) != 2 {
		t.Fatalf("QueryEvents: got (%d events, %v), want 2", len(got), err)
	}
	if got[0].ID != "new" || got[0].Actor != "operator:root" {
		t.Errorf("the new event: got %s with actor %q, want new with operator:root", got[0].ID, got[0].Actor)
	}
	if got[1].ID != "old" || got[1].Actor != "" || got[1].Reason != "logout" {
		t.Errorf("the old event: got %s with actor %q, reason %q, want old with no actor, logout", got[1].ID, got[1].Actor, got[1].Reason)
	}
}

// TestMigrateFromVersion4 takes a schema with sessions in it back to its
// shape at version 4, then opens it: migration 5 builds the index of
// ListAll, which lists the sessions of users, the latest absolute
// deadline first, and whose pages read it in order, with no sort.
func TestMigrateFromVersion4(t *testing.T) {
	p := testPool(t)
	s := newStore(t, p, pgstore.Config{})
	older, newer := storetest.NewRecord("alice"), storetest.NewRecord("bob")
	newer.AbsoluteExpiresAt = older.AbsoluteExpiresAt.Add(time.Minute)
	mustCreate(t, s, older, newer, storetest.NewRecord(""))
	takeBack(t, p, s.Schema(), "4", `DROP INDEX sessions_list;
DELETE FROM schema_migrations WHERE version = 5`)

	upgraded := newStore(t, p, pgstore.Config{Schema: s.Schema()})
	wantVersions(t, p, s.Schema())
	got, err := upgraded.ListAll(t.Context(), sessiond.ListPosition{}, 10)
	if err != nil || len(got) != 2 || got[0].ID != newer.ID || got[1].ID != older.ID {
		t.Fatalf("ListAll after the migration: got %d records, %v; want bob's, then alice's", len(got), err)
	}
	var plan []string
	err = pgx.BeginFunc(t.Context(), p, func(tx pgx.Tx) error {
		// Forbidden a scan of the table and a sort, the planner must read
		// the index, and can only if its columns, order, collation and
		// predicate fit the statement.
		if _, err := tx.Exec(t.Context(), "SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off"); err != nil {
			return err
		}
		rows, _ := tx.Query(t.Context(), "EXPLAIN (COSTS OFF) "+pgstore.ListAfterSQL(upgraded), newer.AbsoluteExpiresAt, newer.ID, 10)
		plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if text := strings.Join(plan, "\n"); err != nil || !strings.Contains(text, "sessions_list") || strings.Contains(text, "Sort") {
		t.Errorf("the plan of a page (%v) does not read sessions_list in order:\n%s", err, text)
	}
}
