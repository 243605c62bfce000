package throttle

import (
	"net/http"
	"sync"
	"time"
)

// sweepBatch is how many stale entries of each table a failure removes at
// most, which keeps the cost of every call small and bounded.
const sweepBatch = 4

// Throttle decides whether a login attempt may go ahead. It is safe for
// concurrent use; its memory is bounded by Config.MaxEntries.
type Throttle struct {
	cfg      Config
	mu       sync.Mutex
	pairs    table[pairKey, pair]
	accounts *counter
	clients  *counter
}

// New returns a Throttle for cfg. It panics if cfg is invalid or weaker
// than the contract allows.
func New(cfg Config) *Throttle {
	cfg = cfg.withDefaults()
	return &Throttle{
		cfg:      cfg,
		pairs:    newTable[pairKey, pair](cfg.MaxEntries),
		accounts: newCounter(cfg.AccountLimit, cfg.AccountWindow, cfg.MaxEntries),
		clients:  newCounter(cfg.ClientLimit, cfg.ClientWindow, cfg.MaxEntries),
	}
}

// Allow reports whether an attempt to sign in to account from clientIP,
// made with r, may go ahead: call it before checking the password. When
// it may not, Allow returns how long to wait and [ErrBackoff],
// [ErrAccountLocked] or [ErrClientLimited], whichever blocks longest;
// answer 429 with a generic message and do not call [Throttle.Failure]:
// a refused attempt is not a failure.
//
// account should be normalised by the caller (case, Unicode form), and
// every name is treated alike whether the account exists or not. clientIP
// is the client's address as the application determines it (behind a
// trusted proxy, the forwarded one). r, which may be nil, supplies the
// device cookie.
func (t *Throttle) Allow(account, clientIP string, r *http.Request) (wait time.Duration, err error) {
	now := t.cfg.Now()
	k := t.keys(account, clientIP, r)
	t.mu.Lock()
	defer t.mu.Unlock()
	wait, err = longer(0, nil, t.backoff(k.pair, now), ErrBackoff)
	if !k.known {
		// A browser that signed in to the account before is spared the
		// shared limits: that is what keeps its owner from being locked
		// out by someone else's guessing.
		wait, err = longer(wait, err, t.accounts.wait(k.account, now), ErrAccountLocked)
		wait, err = longer(wait, err, t.clients.wait(k.address, now), ErrClientLimited)
	}
	return wait, err
}

// Failure records a failed attempt to sign in to account from clientIP,
// made with r (which may be nil): a wrong password, an unknown account
// (so that the two look alike), a failed second factor.
func (t *Throttle) Failure(account, clientIP string, r *http.Request) {
	now := t.cfg.Now()
	k := t.keys(account, clientIP, r)
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.pairs.touch(k.pair)
	if t.cfg.stale(p, now) {
		p.failures = 0
	}
	p.failures++
	p.last = now
	t.accounts.add(k.account, now)
	t.clients.add(k.address, now)
	t.sweep(now)
}

// Success records a successful login to account from clientIP, made with
// r (which may be nil). It ends the client's run of failures for the
// account, and adds the account to the browser's device cookie, which it
// sets on w (unless w is nil) with "Cache-Control: no-store". Call it
// before the response is written. The account's and the address's
// failure counts stay: an attack elsewhere goes on.
func (t *Throttle) Success(w http.ResponseWriter, account, clientIP string, r *http.Request) {
	k := t.keys(account, clientIP, r)
	t.mu.Lock()
	t.pairs.remove(k.pair)
	t.mu.Unlock()
	if w != nil {
		t.setDevice(w, k.device, account)
	}
}

// backoff is how long the pair must still wait.
func (t *Throttle) backoff(k pairKey, now time.Time) time.Duration {
	p, ok := t.pairs.get(k)
	if !ok {
		return 0
	}
	return t.cfg.backoff(p, now)
}

// sweep drops a few entries whose failures are all forgotten.
func (t *Throttle) sweep(now time.Time) {
	t.pairs.sweep(sweepBatch, func(p *pair) bool { return t.cfg.stale(p, now) })
	t.accounts.table.sweep(sweepBatch, func(w *window) bool { return t.accounts.stale(w, now) })
	t.clients.table.sweep(sweepBatch, func(w *window) bool { return t.clients.stale(w, now) })
}

// longer returns the longer of two waits with its error; no wait has no
// error.
func longer(w1 time.Duration, err1 error, w2 time.Duration, err2 error) (time.Duration, error) {
	switch {
	case w2 > w1:
		return w2, err2
	case w1 > 0:
		return w1, err1
	}
	return 0, nil
}
