package redisstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
)

var (
	_ sessiond.Store         = (*Store)(nil)
	_ sessiond.AuditStore    = (*Store)(nil)
	_ sessiond.TokenToucher  = (*Store)(nil)
	_ sessiond.EventPager    = (*Store)(nil)
	_ sessiond.SessionLister = (*Store)(nil)
	_ sessiond.EventCreator  = (*Store)(nil)
	_ sessiond.BatchDeleter  = (*Store)(nil)
)

// Defaults of [Config].
const (
	DefaultPrefix         = "sessiond:"
	DefaultAuditMaxEvents = 1_000_000
	DefaultAuditRetention = 90 * 24 * time.Hour
	DefaultAuditScanLimit = 100_000
	DefaultTimeout        = 2 * time.Second
	DefaultWaitTimeout    = 500 * time.Millisecond
)

// ErrNoClient is returned by [New] when Config.Client is nil.
var ErrNoClient = errors.New("redisstore: Config.Client is nil")

// Config configures a [Store]. Only Client is required.
type Config struct {
	// Client is the connection to Redis 6.2 or later, standalone or
	// Cluster. The store never closes it. Give it sane timeouts (see
	// [NewFromURL]) and leave client-side caching off: a cached read could
	// serve a revoked session.
	Client rueidis.Client
	// Prefix starts the name of every key the store uses. Stores that
	// share a prefix share their sessions. A prefix holding a Cluster hash
	// tag ("{app}:") puts the whole store in one slot. Default "sessiond:".
	Prefix string
	// AuditMaxEvents is about how many audit events the stream keeps:
	// trimming is approximate, by whole stream nodes. Default 1,000,000.
	AuditMaxEvents int64
	// AuditRetention is about how long the stream keeps an audit event.
	// Default 90 days.
	AuditRetention time.Duration
	// AuditScanLimit bounds how many events one QueryEvents call reads
	// before it gives up on finding more matches. Default 100,000.
	AuditScanLimit int
	// Timeout bounds each call (each round trip of DeleteAll and
	// QueryEvents) whose context has no earlier deadline, so that a stuck
	// server fails requests promptly and the Manager fails closed. Negative
	// means the context alone bounds calls. Default 2 seconds.
	Timeout time.Duration
	// WaitReplicas, when positive, keeps acknowledged writes across a
	// failover: every write waits (WAIT) until this many replicas of each
	// master it wrote to have it, and fails with [ErrNotReplicated] if they
	// do not within WaitTimeout, so that the Manager refuses the login or
	// change rather than acknowledge one a failover could lose. Touches and
	// the clean-up of ListUser and ListAll do not wait. See "Failover" in
	// the package documentation for the cost. Default 0: a write is
	// acknowledged once its master has it.
	WaitReplicas int
	// WaitTimeout bounds each WAIT (one per master written, per round trip
	// of a write) when WaitReplicas is positive; it is rounded up to the
	// millisecond. Default 500 ms.
	WaitTimeout time.Duration
	// Now returns the current time, by which audit retention is reckoned.
	// Sessions expire by the Redis server's clock. Default time.Now.
	Now func() time.Time
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.AuditMaxEvents <= 0 {
		c.AuditMaxEvents = DefaultAuditMaxEvents
	}
	if c.AuditRetention <= 0 {
		c.AuditRetention = DefaultAuditRetention
	}
	if c.AuditScanLimit <= 0 {
		c.AuditScanLimit = DefaultAuditScanLimit
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.WaitTimeout <= 0 {
		c.WaitTimeout = DefaultWaitTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Store is a [sessiond.Store] and [sessiond.AuditStore] on Redis. It is
// safe for concurrent use, and any number of stores, in any number of
// processes, may share one Redis and prefix. Make one with [New] or
// [NewFromURL].
type Store struct {
	c   rueidis.Client
	cfg Config
	k   keys

	cluster   bool // c is a Cluster client: a WAIT goes to each master written
	own       bool // the store made c and closes it
	closeOnce sync.Once
}

// New returns a store on cfg.Client. It does not contact Redis.
func New(cfg Config) (*Store, error) {
	if cfg.Client == nil {
		return nil, ErrNoClient
	}
	cfg = cfg.withDefaults()
	cluster := cfg.Client.Mode() == rueidis.ClientModeCluster
	return &Store{c: cfg.Client, cfg: cfg, k: keys{prefix: cfg.Prefix}, cluster: cluster}, nil
}

// bound returns ctx shortened to Config.Timeout from now, if that is
// earlier than its own deadline.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.cfg.Timeout < 0 {
		return ctx, func() {}
	}
	return boundBy(ctx, s.cfg.Timeout)
}

// boundBy returns ctx shortened to d from now, if that is earlier than its
// own deadline.
func boundBy(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

// Close closes the Redis client if the store made it ([NewFromURL]); a
// client passed in Config.Client is left open. Close always returns nil and
// may be called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.own {
			s.c.Close()
		}
	})
	return nil
}
