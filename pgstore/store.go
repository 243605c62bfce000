package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sessiond/sessiond"
)

var (
	_ sessiond.Store         = (*Store)(nil)
	_ sessiond.ExpiryWatcher = (*Store)(nil)
	_ sessiond.AuditStore    = (*Store)(nil)
	_ sessiond.EventPager    = (*Store)(nil)
	_ sessiond.SessionLister = (*Store)(nil)
	_ sessiond.EventCreator  = (*Store)(nil)
	_ sessiond.BatchDeleter  = (*Store)(nil)
)

// Store is a [sessiond.Store], [sessiond.ExpiryWatcher] and
// [sessiond.AuditStore] in PostgreSQL. It is safe for concurrent use, and
// any number of stores, in any number of processes, may share one schema.
// Make one with [New] or [NewFromURL].
type Store struct {
	pool    *pgxpool.Pool
	ownPool bool // the store made the pool, and Close closes it
	cfg     Config
	q       queries
	bounds  *deadlines // nil when Config.Timeout is negative

	expiry sessiond.ExpiryCallbacks // the OnExpire functions

	stop      context.CancelFunc // stops the janitor
	done      sync.WaitGroup     // the janitor goroutine
	closeOnce sync.Once
}

// New returns a store on cfg.Pool. It creates the schema and brings its
// tables up to date (see the package documentation on migrations), then
// starts the janitor, which runs until [Store.Close]. It returns an error
// if the database cannot be reached or the migrations fail.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Pool == nil {
		return nil, errors.New("pgstore: Config.Pool is nil")
	}
	cfg = cfg.withDefaults()
	s := &Store{pool: cfg.Pool, cfg: cfg, q: newQueries(cfg.Schema)}
	if cfg.Timeout > 0 {
		s.bounds = newDeadlines(cfg.Timeout)
	}
	// A server that cannot be reached is said to be so, not blamed on a
	// migration that never started.
	if err := cfg.Pool.Ping(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: connecting: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	s.startJanitor()
	return s, nil
}

// NewFromURL is [New] on a pool of its own, made from a PostgreSQL URL or
// DSN such as "postgres://user@host:5432/db" (pgxpool's settings, such as
// pool_max_conns, may be given in it). [Store.Close] closes the pool.
// cfg.Pool must be nil.
func NewFromURL(ctx context.Context, url string, cfg Config) (*Store, error) {
	if cfg.Pool != nil {
		return nil, errors.New("pgstore: NewFromURL with Config.Pool set")
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connecting: %w", err)
	}
	cfg.Pool = pool
	s, err := New(ctx, cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.ownPool = true
	return s, nil
}

// Close stops the janitor and waits until it has stopped, including any
// expiry callbacks it is running, whose context Close cancels. Then it
// closes the pool if [NewFromURL] made it. It always returns nil and may be
// called more than once.
//
// A store on a caller's pool stays usable after Close, but expired
// sessions are then removed only by [Store.Sweep].
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stop()
		s.done.Wait()
		if s.ownPool {
			s.pool.Close()
		}
	})
	return nil
}

// Schema returns the schema that holds the store's tables.
func (s *Store) Schema() string { return s.cfg.Schema }

// bound returns ctx bounded by Config.Timeout (see deadlines), and the
// function that releases it.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.bounds == nil {
		return ctx, func() {}
	}
	return s.bounds.bound(ctx)
}

// now is the store's clock as stored: UTC, to the microsecond.
func (s *Store) now() time.Time {
	return s.cfg.Now().UTC().Truncate(time.Microsecond)
}
