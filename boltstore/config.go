package boltstore

import (
	"log/slog"
	"os"
	"time"
)

// Defaults of [Config].
const (
	DefaultSweepInterval  = time.Minute
	DefaultAuditRetention = 90 * 24 * time.Hour
	DefaultAuditMaxEvents = 1_000_000
	DefaultFileMode       = os.FileMode(0o600)
	DefaultTimeout        = time.Second
)

// Config configures a [Store]. Every field but Path has a default.
type Config struct {
	// Path is the database file. It is created if missing; its directory
	// must exist. Required.
	Path string
	// SweepInterval is how often the background sweeper removes expired
	// sessions and audit events past retention. Zero or less means
	// DefaultSweepInterval, 1 minute.
	SweepInterval time.Duration
	// Now returns the current time, by which sessions expire and audit
	// events age. Nil means time.Now.
	Now func() time.Time
	// AuditRetention is how long audit events are kept. Zero or less means
	// DefaultAuditRetention, 90 days.
	AuditRetention time.Duration
	// AuditMaxEvents is how many audit events are kept at most; past it,
	// the sweeper removes the oldest. Zero or less means
	// DefaultAuditMaxEvents, one million.
	AuditMaxEvents int
	// FileMode is the permission of a newly created database file. Zero
	// means DefaultFileMode, 0600: the file holds session records.
	FileMode os.FileMode
	// Timeout bounds the wait for the database file's lock, which one
	// process at a time holds, so that a second process fails fast with a
	// clear error instead of hanging. Zero or less means DefaultTimeout,
	// 1 second.
	Timeout time.Duration
	// Logger hears of background sweeps that failed. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// withDefaults returns c with every unset field set to its default.
func (c Config) withDefaults() Config {
	if c.SweepInterval <= 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.AuditRetention <= 0 {
		c.AuditRetention = DefaultAuditRetention
	}
	if c.AuditMaxEvents <= 0 {
		c.AuditMaxEvents = DefaultAuditMaxEvents
	}
	if c.FileMode == 0 {
		c.FileMode = DefaultFileMode
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
