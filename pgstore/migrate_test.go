package pgstore_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
var released = []int{1, 2}

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
