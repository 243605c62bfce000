package main

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// tally counts what the load saw during one window of a run: the steady
// load before the first fault, or one fault from its injection to the
// next fault.
type tally struct {
	name string
	// requests is every call; refused503 those answered 503 (or another
	// 5xx), refusedConn those with no answer (connection refused or
	// broken, timeout).
	requests, refused503, refusedConn atomic.Int64
	// unexpected are answers with a status the soak did not expect,
	// neither right nor wrong (a 429, a 409).
	unexpected atomic.Int64
	// wrong are answers that contradict what the service acknowledged: a
	// 200 for a session whose logout or revocation it acknowledged; a 401
	// for a live session it acknowledged (not expired), or its user's list
	// without it, when the service later answers 200 for it; a data value
	// never written.
	wrong atomic.Int64
	// lostSessions are acknowledged live sessions the audit found gone
	// (answered 401); lostWrites are answers showing an older data value
	// than the last one the service acknowledged.
	lostSessions, lostWrites atomic.Int64
	// retired are sessions the load stopped checking because a call that
	// may have changed them got no answer: a logout, or a call that may
	// have rotated the token, whose new token the load never saw.
	retired atomic.Int64
	// lastRefusal is when the last refused call ended (UnixNano).
	lastRefusal atomic.Int64

	mu          sync.Mutex
	notes       []string // the first wrong answers and unexpected statuses
	revocations propagation
}

// maxNotes bounds the notes a tally keeps.
const maxNotes = 10

// propagation is what the load saw of revocations made on one replica
// and checked on the other at once.
type propagation struct {
	// checked counts revocations followed by a check; refusedFirst those
	// whose first check was refused (the check retried until answered);
	// violations those whose first answered check was a 200.
	checked, refusedFirst, violations int
	// delays are, for violations, how long after the revocation the
	// other replica first refused the session.
	delays []time.Duration
}

// add adds p's figures to t.
func (t *propagation) add(p propagation) {
	t.checked += p.checked
	t.refusedFirst += p.refusedFirst
	t.violations += p.violations
	t.delays = append(t.delays, p.delays...)
}

// String summarises the propagation figures.
func (p propagation) String() string {
	s := fmt.Sprintf("%d revocations checked on the other replica, %d refused first (checked again until answered), %d answered 200",
		p.checked, p.refusedFirst, p.violations)
	if len(p.delays) > 0 {
		d := slices.Sorted(slices.Values(p.delays))
		s += fmt.Sprintf("; refused after %v (median), %v (max)", d[len(d)/2], d[len(d)-1])
	}
	return s
}

// newTally returns an empty tally named name.
func newTally(name string) *tally { return &tally{name: name} }

// record counts a call's answer and reports whether it was refused.
func (t *tally) record(a answer) bool {
	t.requests.Add(1)
	if !a.refused() {
		return false
	}
	if a.err != nil {
		t.refusedConn.Add(1)
		t.note("no answer: %v", a.err)
	} else {
		t.refused503.Add(1)
	}
	t.lastRefusal.Store(time.Now().UnixNano())
	return true
}

// note keeps a line about a wrong answer or an unexpected status, up to
// maxNotes.
func (t *tally) note(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.notes) < maxNotes {
		t.notes = append(t.notes, fmt.Sprintf(format, args...))
	}
}

// wrongAnswer counts a wrong answer and notes it.
func (t *tally) wrongAnswer(format string, args ...any) {
	t.wrong.Add(1)
	t.note("wrong: "+format, args...)
}

// unexpectedAnswer counts an answer the soak did not expect and notes it.
func (t *tally) unexpectedAnswer(call string, a answer) {
	t.unexpected.Add(1)
	t.note("unexpected: %s: %d %s", call, a.code, a.Error)
}

// propagated adds one revocation's propagation check.
func (t *tally) propagated(p propagation) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.revocations.add(p)
}

// snapshot returns the propagation figures and notes so far.
func (t *tally) snapshot() (propagation, []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.revocations, slices.Clone(t.notes)
}
