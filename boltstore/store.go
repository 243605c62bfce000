package boltstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/sessiond/sessiond"
)

var (
	_ sessiond.Store         = (*Store)(nil)
	_ sessiond.ExpiryWatcher = (*Store)(nil)
	_ sessiond.AuditStore    = (*Store)(nil)
	_ sessiond.EventPager    = (*Store)(nil)
	_ sessiond.EventCreator  = (*Store)(nil)
	_ sessiond.BatchDeleter  = (*Store)(nil)
	_ sessiond.SessionLister = (*Store)(nil)
)

// Store is a [sessiond.Store], [sessiond.ExpiryWatcher] and
// [sessiond.AuditStore] kept in a bbolt database file. It is safe for
// concurrent use. Make one with [New].
type Store struct {
	db  *bolt.DB
	cfg Config // with defaults
	// commit runs a write transaction: group.commit, which commits
	// concurrent writes together. Tests set db.Batch or db.Update
	// instead, to measure what that buys.
	commit func(fn func(*bolt.Tx) error) error
	group  *groupCommit

	expiry sessiond.ExpiryCallbacks // the OnExpire functions

	stop      context.CancelFunc // stops the sweeper
	done      sync.WaitGroup     // the sweeper goroutine
	closeOnce sync.Once
	closeErr  error
}

// New opens or creates the database at cfg.Path and starts the sweeper,
// which runs until [Store.Close]. It returns an error, never panics, when
// the path is missing or unusable, the file is not a boltstore database,
// or another process holds it (after cfg.Timeout; the error then matches
// bbolt's errors.ErrTimeout).
func New(cfg Config) (*Store, error) {
	if cfg.Path == "" {
		return nil, errors.New("boltstore: Config.Path is required")
	}
	cfg = cfg.withDefaults()
	db, err := open(cfg)
	if err != nil {
		return nil, err
	}
	if err := initLayout(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: %s: %w", cfg.Path, err)
	}
	s := &Store{db: db, cfg: cfg, group: newGroupCommit(db)}
	s.commit = s.group.commit
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	s.done.Go(func() { s.sweepEvery(ctx) })
	return s, nil
}

// open opens the database file, explaining a lock held elsewhere.
//
// The list of free pages is not written at each commit
// (NoFreelistSync) but rebuilt from the trees when the file is opened.
// Sweeps leave the file with many free pages, and written at each
// commit their list grows with them: at a million sessions, after a sweep
// of 80,000, it took 95 of the 100 pages that a touch wrote. The cost is
// an open that reads every page of the file (0.9 s instead of 15 ms for
// that file of 900 MB), and a crash loses nothing by it: the trees alone
// say which pages are in use.
func open(cfg Config) (*bolt.DB, error) {
	db, err := bolt.Open(cfg.Path, cfg.FileMode, &bolt.Options{Timeout: cfg.Timeout, NoFreelistSync: true})
	var pathErr *fs.PathError
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("boltstore: open %s: the file is locked by another process or another open Store (gave up after %v): %w",
			cfg.Path, cfg.Timeout, err)
	case errors.As(err, &pathErr):
		return nil, fmt.Errorf("boltstore: %w", err) // it names the file
	}
	return nil, fmt.Errorf("boltstore: open %s: %w", cfg.Path, err)
}

// Close stops the sweeper, waiting for any expiry callbacks it runs (whose
// context it cancels), then closes the database, waiting for transactions
// in progress. Afterwards every method returns an error that matches
// bbolt's errors.ErrDatabaseNotOpen. Close may be called more than once;
// each call returns the first one's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stop()
		s.done.Wait()
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("boltstore: close: %w", err)
		}
	})
	return s.closeErr
}

// now is the store's clock.
func (s *Store) now() time.Time { return s.cfg.Now() }

// log reports a background failure.
func (s *Store) log(msg string, err error) {
	s.cfg.Logger.LogAttrs(context.Background(), slog.LevelError, msg, slog.Any("error", err))
}
