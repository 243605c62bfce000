package throttle

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"time"
)

// Default values of [Config]. They meet the project's contract: backoff
// after 5 consecutive failures from 1 s up to 15 minutes, at most 100
// failures an hour for an account from browsers that never signed in to
// it, and 300 an hour from one client address.
const (
	DefaultFreeFailures  = 5
	DefaultBaseDelay     = time.Second
	DefaultMaxDelay      = 15 * time.Minute
	DefaultResetAfter    = 24 * time.Hour
	DefaultAccountLimit  = 100
	DefaultAccountWindow = time.Hour
	DefaultClientLimit   = 300
	DefaultClientWindow  = time.Hour
	DefaultMaxEntries    = 100_000
)

// MinKeySize is the shortest Config.Key New accepts.
const MinKeySize = 32

// Config tunes a [Throttle]. The zero value is the secure default: every
// zero field means the default given in its doc.
type Config struct {
	// Key signs device cookies. Every process that must recognise the
	// same browsers (replicas, restarts) needs the same key; changing it
	// forgets every browser. At least 32 bytes. Default: 32 random bytes
	// made by New, so browsers are recognised by this process only, until
	// it stops.
	Key []byte

	// FreeFailures is how many consecutive failures one client may have
	// for one account before backoff starts. Default 5.
	FreeFailures int
	// BaseDelay is the first backoff delay; each further failure doubles
	// it. Default 1 second.
	BaseDelay time.Duration
	// MaxDelay caps the backoff delay. Default 15 minutes.
	MaxDelay time.Duration
	// ResetAfter is how long after its last failure a client's
	// consecutive failures for an account are forgotten. At least
	// MaxDelay. Default 24 hours.
	ResetAfter time.Duration

	// AccountLimit is how many failures an account may have within
	// AccountWindow, from all clients together, before it refuses
	// browsers that never signed in to it. At most 100. Default 100.
	AccountLimit int
	// AccountWindow is the period AccountLimit counts over. At least an
	// hour. Default 1 hour.
	AccountWindow time.Duration

	// ClientLimit is how many failures one client address may have within
	// ClientWindow, for all accounts together, before it is refused for
	// every account it has no device cookie for. Default 300.
	ClientLimit int
	// ClientWindow is the period ClientLimit counts over. At least a
	// second. Default 1 hour.
	ClientWindow time.Duration

	// MaxEntries bounds each of the throttle's three tables (client and
	// account pairs, accounts, client addresses); past it the entry with
	// the oldest failure goes. Default 100,000.
	MaxEntries int

	// Now returns the current time. Default time.Now.
	Now func() time.Time
}

// withDefaults returns c with every zero field set to its default and a
// private copy of the key, and panics if what the caller set is invalid or
// weaker than the contract allows: a misconfiguration must stop the
// program at start-up, never surface at request time.
func (c Config) withDefaults() Config {
	c.FreeFailures = orDefault(c.FreeFailures, DefaultFreeFailures)
	c.BaseDelay = orDefault(c.BaseDelay, DefaultBaseDelay)
	c.MaxDelay = orDefault(c.MaxDelay, DefaultMaxDelay)
	c.ResetAfter = orDefault(c.ResetAfter, DefaultResetAfter)
	c.AccountLimit = orDefault(c.AccountLimit, DefaultAccountLimit)
	c.AccountWindow = orDefault(c.AccountWindow, DefaultAccountWindow)
	c.ClientLimit = orDefault(c.ClientLimit, DefaultClientLimit)
	c.ClientWindow = orDefault(c.ClientWindow, DefaultClientWindow)
	c.MaxEntries = orDefault(c.MaxEntries, DefaultMaxEntries)
	if c.Now == nil {
		c.Now = time.Now
	}
	if err := c.validate(); err != nil {
		panic(err.Error())
	}
	if c.Key == nil {
		c.Key = make([]byte, MinKeySize)
		rand.Read(c.Key) // never fails: crypto/rand aborts the program instead
	} else {
		c.Key = bytes.Clone(c.Key)
	}
	return c
}

// validate refuses settings that are inconsistent or weaker than the
// contract allows.
func (c Config) validate() error {
	switch {
	case c.Key != nil && len(c.Key) < MinKeySize:
		return fmt.Errorf("throttle: Key has %d bytes, want at least %d", len(c.Key), MinKeySize)
	case c.FreeFailures < 0, c.ClientLimit < 0, c.MaxEntries < 0:
		return fmt.Errorf("throttle: FreeFailures, ClientLimit and MaxEntries must not be negative")
	case c.BaseDelay < 0, c.MaxDelay < c.BaseDelay:
		return fmt.Errorf("throttle: want 0 < BaseDelay <= MaxDelay, got %v and %v", c.BaseDelay, c.MaxDelay)
	case c.ResetAfter < c.MaxDelay:
		return fmt.Errorf("throttle: ResetAfter %v is shorter than MaxDelay %v", c.ResetAfter, c.MaxDelay)
	case c.AccountLimit < 0 || c.AccountLimit > DefaultAccountLimit:
		return fmt.Errorf("throttle: AccountLimit %d is not within 1..%d", c.AccountLimit, DefaultAccountLimit)
	case c.AccountWindow < DefaultAccountWindow:
		return fmt.Errorf("throttle: AccountWindow %v is shorter than %v", c.AccountWindow, DefaultAccountWindow)
	case c.ClientWindow < time.Second:
		return fmt.Errorf("throttle: ClientWindow %v is shorter than a second", c.ClientWindow)
	}
	return nil
}

// orDefault returns d when v is zero.
func orDefault[T int | time.Duration](v, d T) T {
	if v == 0 {
		return d
	}
	return v
}
