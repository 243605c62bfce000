package throttle

import (
	"fmt"
	"sync"
	"time"

	"github.com/sessiond/sessiond/internal/clientip"
)

// Default values of [LimiterConfig], chosen for sign-ups: 10 an hour from
// one address is more than a person needs, even one who tries a few names
// that are taken, and holds anyone who tries names to learn which exist
// to 10 an hour.
const (
	DefaultLimiterLimit  = 10
	DefaultLimiterWindow = time.Hour
)

// LimiterConfig tunes a [Limiter]. The zero value is the default for
// sign-ups: every zero field means the default given in its doc.
type LimiterConfig struct {
	// Limit is how many requests one client address may make within
	// Window. Default 10.
	Limit int
	// Window is the period Limit counts over. At least a second. Default
	// 1 hour.
	Window time.Duration
	// MaxEntries bounds how many addresses are kept; past it the one whose
	// last request is oldest goes. Default 100,000.
	MaxEntries int
	// Now returns the current time. Default time.Now.
	Now func() time.Time
}

// Limiter limits a costly request that is not a login, such as a sign-up
// (which hashes a password), per client address: at most Limit requests
// within Window from one address, IPv6 addresses counting by their /64 as
// for logins. Windows are counted in tenths, as the Throttle's are. It is
// safe for concurrent use; its memory is bounded by MaxEntries, some 100
// bytes an address.
type Limiter struct {
	now     func() time.Time
	mu      sync.Mutex
	clients *counter
}

// NewLimiter returns a Limiter for cfg. It panics if cfg is invalid.
func NewLimiter(cfg LimiterConfig) *Limiter {
	cfg.Limit = orDefault(cfg.Limit, DefaultLimiterLimit)
	cfg.Window = orDefault(cfg.Window, DefaultLimiterWindow)
	cfg.MaxEntries = orDefault(cfg.MaxEntries, DefaultMaxEntries)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	switch {
	case cfg.Limit < 0, cfg.MaxEntries < 0:
		panic("throttle: Limit and MaxEntries must not be negative")
	case cfg.Window < time.Second:
		panic(fmt.Sprintf("throttle: Window %v is shorter than a second", cfg.Window))
	}
	return &Limiter{now: cfg.Now, clients: newCounter(cfg.Limit, cfg.Window, cfg.MaxEntries)}
}

// Take counts a request from clientIP and reports whether it may go
// ahead. Call it before the costly work: a request is counted in the same
// step that checks the limit, so requests made at the same moment cannot
// together pass it. When the request may not go ahead, Take counts
// nothing and returns how long until one may: answer 429 with a generic
// message and a Retry-After of the wait.
//
// clientIP is the client's address as the application determines it
// (behind a trusted proxy, the forwarded one).
func (l *Limiter) Take(clientIP string) (wait time.Duration, ok bool) {
	now := l.now()
	k := digestOf(kindAddress, clientip.Key(clientIP))
	l.mu.Lock()
	defer l.mu.Unlock()
	if wait := l.clients.wait(k, now); wait > 0 {
		return wait, false
	}
	l.clients.add(k, now)
	l.clients.sweep(now)
	return 0, true
}
