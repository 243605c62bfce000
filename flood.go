package sessiond

import (
	"errors"
	"sync"
	"time"

	"github.com/sessiond/sessiond/internal/clientip"
)

// ErrThrottled is returned by [Manager.Load] when a client has presented
// too many invalid tokens (Config.InvalidTokenLimit a minute) and presents
// another. Valid tokens are never throttled.
var ErrThrottled = errors.New("sessiond: too many invalid tokens")

// Defaults of the invalid-token throttle.
const (
	DefaultInvalidTokenLimit = 100
	floodWindow              = time.Minute
	floodBlock               = time.Minute
	maxFloodClients          = 100000
)

// floodGuard counts invalid tokens per client address, in this process:
// IPv6 clients by their /64, as the login throttle counts them, so that a
// client cannot take a fresh address for every hundred guesses.
type floodGuard struct {
	limit int

	mu      sync.Mutex
	clients map[string]*floodCount
}

// floodCount is one client's count in its current window.
type floodCount struct {
	start        time.Time
	n            int
	blockedUntil time.Time
}

// newFloodGuard makes a guard allowing limit invalid tokens a minute.
func newFloodGuard(limit int) *floodGuard {
	return &floodGuard{limit: limit, clients: make(map[string]*floodCount)}
}

// failure counts an invalid token from ip at now, under its client key. It reports whether the
// client is blocked, and whether this failure started the block.
func (g *floodGuard) failure(ip string, now time.Time) (blocked, started bool) {
	if ip == "" {
		return false, false
	}
	key := clientip.Key(ip)
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.clients[key]
	if c == nil {
		g.makeRoom(now)
		c = &floodCount{start: now}
		g.clients[key] = c
	}
	if now.Before(c.blockedUntil) {
		return true, false
	}
	if now.Sub(c.start) >= floodWindow {
		c.start, c.n = now, 0
	}
	c.n++
	if c.n > g.limit {
		c.blockedUntil = now.Add(floodBlock)
		return true, true
	}
	return false, false
}

// makeRoom keeps the map bounded: past the bound it forgets the clients
// whose window and block have passed, and failing that every unblocked one.
// Forgetting can only make the throttle more lenient, never refuse anyone.
func (g *floodGuard) makeRoom(now time.Time) {
	if len(g.clients) < maxFloodClients {
		return
	}
	for ip, c := range g.clients {
		if now.Sub(c.start) >= floodWindow && !now.Before(c.blockedUntil) {
			delete(g.clients, ip)
		}
	}
	if len(g.clients) < maxFloodClients {
		return
	}
	for ip, c := range g.clients {
		if !now.Before(c.blockedUntil) {
			delete(g.clients, ip)
		}
	}
}
