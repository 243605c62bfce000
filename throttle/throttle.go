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
// concurrent use; its memory is bounded by Config.MaxEntries, plus a few
// bytes for each attempt in flight.
type Throttle struct {
	cfg      Config
	mu       sync.Mutex
	pairs    table[pairKey, pair]
	inflight tally[pairKey] // attempts in flight per pair
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
		inflight: tally[pairKey]{},
		accounts: newCounter(cfg.AccountLimit, cfg.AccountWindow, cfg.MaxEntries),
		clients:  newCounter(cfg.ClientLimit, cfg.ClientWindow, cfg.MaxEntries),
	}
}

// Begin starts an attempt to sign in to account from clientIP, made with
// r: call it before checking the password. When the attempt may go ahead,
// Begin counts it as a failure until it ends, and returns it; end it with
// [Attempt.Fail] or [Attempt.Succeed], and defer [Attempt.Release] so that
// it ends whatever happens. Because the attempt is counted in the same
// step that checks the limits, attempts running at the same moment cannot
// together pass any of them.
//
// When the attempt may not go ahead, Begin returns a nil Attempt, how
// long to wait and [ErrBackoff], [ErrAccountLocked] or [ErrClientLimited],
// whichever blocks longest; answer 429 with a generic message, without
// checking the password: a refused attempt counts for nothing.
//
// account should be normalised by the caller (case, Unicode form), and
// every name is treated alike whether the account exists or not. clientIP
// is the client's address as the application determines it (behind a
// trusted proxy, the forwarded one). r, which may be nil, supplies the
// device cookie.
func (t *Throttle) Begin(account, clientIP string, r *http.Request) (*Attempt, time.Duration, error) {
	now := t.cfg.Now()
	k := t.keys(account, clientIP, r)
	t.mu.Lock()
	defer t.mu.Unlock()
	wait, err := longer(0, nil, t.backoff(k.pair, now), ErrBackoff)
	if !k.known {
		// A browser that signed in to the account before is spared the
		// shared limits: that is what keeps its owner from being locked
		// out by someone else's guessing.
		wait, err = longer(wait, err, t.accounts.wait(k.account, now), ErrAccountLocked)
		wait, err = longer(wait, err, t.clients.wait(k.address, now), ErrClientLimited)
	}
	if err != nil {
		return nil, wait, err
	}
	a := &Attempt{t: t, account: account, keys: k}
	a.hold(1)
	return a, 0, nil
}

// backoff is how long the pair must still wait at now, counting each of
// its attempts in flight as a failure made now.
func (t *Throttle) backoff(k pairKey, now time.Time) time.Duration {
	var p pair
	if stored, ok := t.pairs.get(k); ok && !t.cfg.stale(stored, now) {
		p = *stored
	}
	if n := t.inflight[k]; n > 0 {
		p.failures += n
		if now.After(p.last) {
			p.last = now
		}
	}
	return t.cfg.backoff(&p, now)
}

// Attempt is a login attempt that [Throttle.Begin] let go ahead. Until it
// ends it counts as a failure for every limit. The first call of Fail,
// Succeed or Release ends it; later calls do nothing. An Attempt is meant
// for the one request that made it.
type Attempt struct {
	t       *Throttle
	account string
	keys    keys
	ended   bool // guarded by t.mu
}

// Fail ends the attempt as a failed one: a wrong password, an unknown
// account (so that the two look alike), a wrong second factor.
func (a *Attempt) Fail() {
	t := a.t
	now := t.cfg.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if !a.end() {
		return
	}
	p := t.pairs.touch(a.keys.pair)
	if t.cfg.stale(p, now) {
		p.failures = 0
	}
	p.failures++
	p.last = now
	t.accounts.add(a.keys.account, now)
	t.clients.add(a.keys.address, now)
	t.sweep(now)
}

// Succeed ends the attempt as a successful login. It ends the client's run
// of failures for the account, and adds the account to the browser's
// device cookie, which it sets on w (unless w is nil) with "Cache-Control:
// no-store". Call it before the response is written. The account's and
// the address's failure counts stay: an attack elsewhere goes on.
func (a *Attempt) Succeed(w http.ResponseWriter) {
	t := a.t
	t.mu.Lock()
	ended := a.end()
	if ended {
		t.pairs.remove(a.keys.pair)
	}
	t.mu.Unlock()
	if ended && w != nil {
		t.setDevice(w, a.keys.device, a.account)
	}
}

// Release ends the attempt, if Fail or Succeed has not, as neither: it
// counts for nothing, as if it had never begun. Defer it right after
// Begin, so that an error, a panic or a login that goes on to a second
// step gives the attempt back.
func (a *Attempt) Release() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	a.end()
}

// end marks the attempt ended and takes it out of the attempts in flight.
// It reports false if the attempt had already ended. The caller holds
// a.t.mu.
func (a *Attempt) end() bool {
	if a.ended {
		return false
	}
	a.ended = true
	a.hold(-1)
	return true
}

// hold adds n to the attempts in flight of the attempt's pair, account
// and address. The caller holds a.t.mu.
func (a *Attempt) hold(n int) {
	a.t.inflight.add(a.keys.pair, n)
	a.t.accounts.inflight.add(a.keys.account, n)
	a.t.clients.inflight.add(a.keys.address, n)
}

// sweep drops a few entries whose failures are all forgotten.
func (t *Throttle) sweep(now time.Time) {
	t.pairs.sweep(sweepBatch, func(p *pair) bool { return t.cfg.stale(p, now) })
	t.accounts.sweep(now)
	t.clients.sweep(now)
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
