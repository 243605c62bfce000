package pgstore_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/pgstore"
)

// envURL names the variable that points the tests at a PostgreSQL server.
const envURL = "SESSIOND_TEST_POSTGRES"

// defaultURL is the server the tests use when envURL is not set: the one
// CI starts.
const defaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// testURL returns the URL of the test server.
func testURL() string {
	return cmp.Or(os.Getenv(envURL), defaultURL)
}

var (
	poolOnce sync.Once
	pool     *pgxpool.Pool
	poolErr  error
)

// TestMain closes the shared pool after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if pool != nil {
		pool.Close()
	}
	os.Exit(code)
}

// testPool returns a pool on the test server, shared by the tests, or
// skips the test when there is no server.
func testPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	poolOnce.Do(func() { pool, poolErr = connect(testURL()) })
	if poolErr != nil {
		tb.Skipf("pgstore: no PostgreSQL server (set %s to a postgres:// URL): %v", envURL, poolErr)
	}
	return pool
}

// connect returns a pool on url once the server has answered a ping.
func connect(url string) (*pgxpool.Pool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := p.Ping(ctx); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// randomSchema returns a new schema name for one test.
func randomSchema() string {
	return "sessiond_test_" + strings.ToLower(rand.Text())
}

// newStore returns a store on p in a schema of its own, made with cfg
// (whose Pool and Schema it sets), closed and dropped when tb ends.
func newStore(tb testing.TB, p *pgxpool.Pool, cfg pgstore.Config) *pgstore.Store {
	tb.Helper()
	cfg.Pool, cfg.Schema = p, cmp.Or(cfg.Schema, randomSchema())
	s, err := pgstore.New(tb.Context(), cfg)
	if err != nil {
		tb.Fatalf("New: got error %v, want nil", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: got error %v, want nil", err)
		}
		dropSchema(tb, p, cfg.Schema)
	})
	return s
}

// dropSchema drops schema and everything in it.
func dropSchema(tb testing.TB, p *pgxpool.Pool, schema string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := p.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
		tb.Errorf("dropping schema %s: %v", schema, err)
	}
}

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// newClock returns a clock for one test.
func newClock() *clock { return fakeclock.New(time.Now()) }
