package pgstore

import (
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults of [Config].
const (
	DefaultSchema         = "sessiond"
	DefaultSweepInterval  = time.Minute
	DefaultSweepBatch     = 1000
	DefaultAuditRetention = 90 * 24 * time.Hour
	DefaultTimeout        = 5 * time.Second
)

// Config configures a [Store]. Every zero field means the default given in
// its doc.
type Config struct {
	// Pool is the connection pool the store uses. [New] requires it; the
	// caller keeps it and closes it after [Store.Close]. [NewFromURL]
	// makes its own and requires Pool to be nil.
	Pool *pgxpool.Pool
	// Schema is the PostgreSQL schema that holds the store's tables. It is
	// created if missing. Default "sessiond".
	Schema string
	// SweepInterval is how often the background janitor removes expired
	// sessions and old audit events. Negative means no janitor: call
	// [Store.Sweep] yourself. Default 1 minute.
	SweepInterval time.Duration
	// SweepBatch is the most rows one janitor statement deletes, so that no
	// statement holds many locks or runs long. Default 1000.
	SweepBatch int
	// AuditRetention is how long audit events are kept. Negative means
	// forever (AuditMaxEvents may still bound them). Default 90 days.
	AuditRetention time.Duration
	// AuditMaxEvents, if positive, is how many audit events are kept at
	// most: the janitor removes the oldest past it. Default 0, no bound by
	// count.
	AuditMaxEvents int
	// Timeout bounds every call to the database, whatever the caller's
	// context, so that a server that stops answering fails requests
	// instead of hanging them: a call fails with context.DeadlineExceeded
	// between Timeout and Timeout plus a tenth after it started (calls
	// share deadlines, which is cheaper than a timer each). Negative means
	// only the caller's context bounds a call. Default 5 seconds.
	Timeout time.Duration
	// Now returns the current time, by which the janitor and Touch decide
	// what has expired. Default time.Now.
	Now func() time.Time
	// Logger hears of janitor failures, which have no caller to return
	// to. Default slog.Default().
	Logger *slog.Logger
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Schema == "" {
		c.Schema = DefaultSchema
	}
	if c.SweepInterval == 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	if c.SweepBatch <= 0 {
		c.SweepBatch = DefaultSweepBatch
	}
	if c.AuditRetention == 0 {
		c.AuditRetention = DefaultAuditRetention
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
