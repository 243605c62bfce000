package memstore

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/sessiond/sessiond"
)

var (
	_ sessiond.Store         = (*Store)(nil)
	_ sessiond.ExpiryWatcher = (*Store)(nil)
	_ sessiond.SessionLister = (*Store)(nil)
	_ sessiond.BatchDeleter  = (*Store)(nil)
)

// Config configures a [Store]. The zero value is ready to use.
type Config struct {
	// SweepInterval is how often the background sweeper removes expired
	// records. Zero or less means the default, 1 minute.
	SweepInterval time.Duration
	// Now returns the current time, by which records expire. Nil means
	// time.Now.
	Now func() time.Time
	// AuditCapacity is how many audit events the store keeps: past it,
	// the oldest go. Zero or less means DefaultAuditCapacity.
	AuditCapacity int
}

// sweepInterval returns c.SweepInterval or its default.
func (c Config) sweepInterval() time.Duration {
	if c.SweepInterval <= 0 {
		return time.Minute
	}
	return c.SweepInterval
}

// Store is an in-memory [sessiond.Store], [sessiond.ExpiryWatcher],
// [sessiond.SessionLister] and [sessiond.AuditStore]. It is safe for
// concurrent use. Make one with [New].
type Store struct {
	now func() time.Time

	mu     sync.RWMutex
	byID   map[string]*sessiond.Record
	byHash map[sessiond.Hash]string       // every hash of every record → id
	byUser map[string]map[string]struct{} // user id → ids; no "" key

	auditMu sync.Mutex
	audit   auditLog

	expiry sessiond.ExpiryCallbacks // the OnExpire functions

	stop context.CancelFunc // stops the sweeper
	done sync.WaitGroup     // the sweeper goroutine
}

// New returns an empty store and starts its sweeper, which runs until
// [Store.Close].
func New(cfg Config) *Store {
	s := &Store{now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	s.audit.events = make([]sessiond.Event, cmp.Or(max(cfg.AuditCapacity, 0), DefaultAuditCapacity))
	s.reset()
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	s.done.Go(func() { s.sweepEvery(ctx, cfg.sweepInterval()) })
	return s
}

// Close stops the background sweeper and waits until it has stopped,
// including any expiry callbacks it is running, whose context Close
// cancels. It always returns nil and may be called more than once, and from
// several goroutines.
//
// The store stays usable after Close, for reads and writes alike, but
// expired records are then removed only by calling [Store.Sweep].
func (s *Store) Close() error {
	s.stop() // idempotent, so no sync.Once is needed
	s.done.Wait()
	return nil
}
