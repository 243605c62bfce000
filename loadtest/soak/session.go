package main

import (
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// session is what the soak knows of one session it signed in. One
// goroutine at a time holds it (it is taken out of the pool for a call),
// so the soak knows the order of its calls.
type session struct {
	id, user, ip, token string
	// issued is when token was issued: the service replaces it on its
	// first use after rotate-every.
	issued time.Time
	// seen is when the service last answered for the session: its idle
	// deadline is no earlier than seen plus the idle timeout, less one
	// touch interval.
	seen time.Time
	// acked is the data value the service last acknowledged (or showed);
	// unacked are the values written since whose calls got no answer, any
	// of which may show; next is the value of the next write.
	acked, next int64
	unacked     []int64
	// rotationUnknown is set when a call that may have rotated the token
	// got no answer: a later 401 may be the old token's grace ending.
	rotationUnknown bool
	// goneOn names the replica that answered as if the session were gone
	// (a 401, or its user's list without it) while it was live, until it
	// is answered 200 again.
	goneOn string
}

// dataVerdict is what a data value shown for a session means.
type dataVerdict int

const (
	dataRight dataVerdict = iota
	dataStale             // older than the last acknowledged: a lost write
	dataNever             // a value never written: a wrong answer
)

// observe takes the data value v the service showed for s.
func (s *session) observe(v int64) dataVerdict {
	switch {
	case v == s.acked:
		return dataRight
	case v < s.acked:
		return dataStale
	case slices.Contains(s.unacked, v):
		s.acked = v
		s.unacked = slices.DeleteFunc(s.unacked, func(u int64) bool { return u <= v })
		return dataRight
	}
	return dataNever
}

// answered records that the service answered 200 for s, with a new token
// if it rotated it.
func (s *session) answered(a answer, now time.Time) {
	s.seen = now
	if a.Token != "" {
		s.token, s.issued, s.rotationUnknown = a.Token, now, false
	}
}

// unanswered records that a call that may have rotated s's token got no
// answer.
func (s *session) unanswered(rotateEvery time.Duration, now time.Time) {
	if now.Sub(s.issued) > rotateEvery-rotationSlack {
		s.rotationUnknown = true
	}
}

// rotationSlack is how much earlier than rotate-every the soak assumes a
// token may already have been rotated: the replicas' clocks and its own
// read time a little apart.
const rotationSlack = 2 * time.Second

// sessionPool holds the live sessions no goroutine is using.
type sessionPool struct {
	mu   sync.Mutex
	live []*session
}

// take removes a random session from the pool, or returns nil when it is
// empty.
func (p *sessionPool) take() *session {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.live)
	if n == 0 {
		return nil
	}
	i := rand.IntN(n)
	s := p.live[i]
	p.live[i] = p.live[n-1]
	p.live = p.live[:n-1]
	return s
}

// put returns s to the pool.
func (p *sessionPool) put(s *session) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live = append(p.live, s)
}

// size is how many sessions the pool holds.
func (p *sessionPool) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.live)
}

// drain empties the pool and returns what it held.
func (p *sessionPool) drain() []*session {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.live
	p.live = nil
	return out
}
