package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The calls of the mixed load, as indexes into load.ops.
const (
	opLogin    = iota // POST /v1/sessions
	opValidate        // POST /v1/sessions/validate (which also touches, when due)
	opWrite           // POST /v1/sessions/data
	opList            // GET /v1/users/{user_id}/sessions
	opLogout          // POST /v1/sessions/revoke, then a check on the other replica
	opRevoke          // DELETE /v1/sessions/{id}, then a check on the other replica
	opRecheck         // POST /v1/sessions/validate of an ended session
	numOps
)

// opNames name the calls of the mixed load, in the order of the op
// constants.
var opNames = [numOps]string{"logins", "validations", "data writes", "lists", "logouts", "revocations", "checks of ended sessions"}

// refusalBackoff is how long a worker waits after a refused call, as a
// client backing off would, rather than spin on a replica that is down.
const refusalBackoff = 20 * time.Millisecond

// propagationWait bounds how long a revocation's check on the other
// replica is retried while refused, or while it answers 200.
const propagationWait = 30 * time.Second

// load is a mixed load on the replicas of one run, and what it knows of
// the sessions it made: the live ones in the pool, and the ended ones.
type load struct {
	api      *apiClient
	replicas []*replica
	// sessions is how many live sessions the load keeps; users how many
	// users they belong to.
	sessions, users   int
	idle, rotateEvery time.Duration
	prefix            string // of user ids

	pool  sessionPool
	ended endedSessions

	mu sync.Mutex
	// suspects are live sessions answered 401 under load: the next audit
	// finds them lost, or live (the 401 was a wrong answer).
	suspects []*session
	// unsettled are sessions a call may have ended or given a new token
	// without an answer: the next audit revokes them by id.
	unsettled []*session

	window  atomic.Pointer[tally]
	gate    sync.RWMutex // the workers hold it shared for a step, pause alone
	writing atomic.Int64 // logins, data writes, logouts and revocations in flight
	logins  atomic.Int64
	ops     [numOps]atomic.Int64
}

// run runs workers goroutines of load until ctx ends, and waits for them.
func (l *load) run(ctx context.Context, workers int) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				l.gate.RLock()
				l.step(ctx)
				l.gate.RUnlock()
			}
		})
	}
	wg.Wait()
}

// pause stops the workers after their current call, until resume.
func (l *load) pause() { l.gate.Lock() }

// resume lets the workers go on.
func (l *load) resume() { l.gate.Unlock() }

// step makes one call of the mix, or two for a revocation and its check:
// a login while the pool is short of sessions, otherwise 10% checks of
// ended sessions, and on a live one 45% validations, 25% data writes, 6%
// lists of its user's sessions, 7% logouts and 7% revocations by id.
func (l *load) step(ctx context.Context) {
	if l.pool.size() < l.sessions {
		l.login(ctx)
		return
	}
	r := rand.Float64()
	if r < 0.10 {
		l.recheck(ctx)
		return
	}
	s := l.pool.take()
	if s == nil { // the other workers hold them all
		l.login(ctx)
		return
	}
	rep := l.pick()
	keep := true
	switch {
	case r < 0.55:
		keep = l.validate(ctx, s, rep, false)
	case r < 0.80:
		keep = l.write(ctx, s, rep)
	case r < 0.86:
		keep = l.list(ctx, s, rep)
	case r < 0.93:
		l.logout(ctx, s, rep)
		keep = false
	default:
		l.revoke(ctx, s, rep)
		keep = false
	}
	if keep {
		l.pool.put(s)
	}
}

// pick returns a replica at random.
func (l *load) pick() *replica { return l.replicas[rand.IntN(len(l.replicas))] }

// other returns the replica after r, or r when it is the only one.
func (l *load) other(r *replica) *replica {
	i := slices.Index(l.replicas, r)
	return l.replicas[(i+1)%len(l.replicas)]
}

// call makes one call, counts it in the current window, and waits
// refusalBackoff when it was refused.
func (l *load) call(ctx context.Context, op int, rep *replica, method, path string, body any) answer {
	l.ops[op].Add(1)
	a := l.api.call(ctx, rep.base, method, path, body)
	if ctx.Err() != nil {
		return a // the run is over: not the service's doing
	}
	if l.window.Load().record(a) {
		time.Sleep(refusalBackoff)
	}
	return a
}

// write sets the data value of the live session s to its next value on
// rep and judges the answer; it reports whether s stays live.
func (l *load) write(ctx context.Context, s *session, rep *replica) bool {
	v := s.next
	s.next++
	a := l.writeCall(ctx, opWrite, rep, "POST", "/v1/sessions/data", map[string]any{"token": s.token, "set": map[string]int64{"n": v}})
	t, now := l.window.Load(), time.Now()
	switch {
	case a.refused():
		s.unacked = append(s.unacked, v)
		s.unanswered(l.rotateEvery, now)
	case a.code == 200:
		s.answered(a, now)
		if n := a.Session.Data.N; n == nil || *n != v {
			t.wrongAnswer("data write of %d on %s answered with data %v", v, rep.name, n)
		}
		s.acked, s.unacked = v, nil
	case a.code == 401:
		return l.invalid(s, a, rep, false)
	default:
		t.unexpectedAnswer("data write", a)
	}
	return true
}

// writeCall is call for a call that changes the store, counted as in
// flight while it runs.
func (l *load) writeCall(ctx context.Context, op int, rep *replica, method, path string, body any) answer {
	l.writing.Add(1)
	defer l.writing.Add(-1)
	return l.call(ctx, op, rep, method, path, body)
}

// login signs a new session in, with data, and puts it in the pool once
// the service acknowledges it. Each login has a client address of its
// own, so that the checks of ended sessions, which the service counts
// as invalid tokens by address, are never throttled.
func (l *load) login(ctx context.Context) {
	n := l.logins.Add(1)
	user := fmt.Sprintf("%s%d", l.prefix, n%int64(l.users))
	ip := fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
	rep := l.pick()
	a := l.writeCall(ctx, opLogin, rep, "POST", "/v1/sessions", map[string]any{
		"user_id": user, "ip": ip, "user_agent": "soak", "auth_methods": []string{"pwd"}, "data": map[string]int64{"n": 0}})
	t, now := l.window.Load(), time.Now()
	switch {
	case a.refused():
		return
	case a.code != 201 || a.Token == "" || a.Session.ID == "":
		t.unexpectedAnswer("login", a)
		return
	case a.Session.Data.N == nil || *a.Session.Data.N != 0:
		t.wrongAnswer("login on %s answered without its data", rep.name)
	}
	l.pool.put(&session{id: a.Session.ID, user: user, ip: ip, token: a.Token, issued: now, seen: now, next: 1})
}

// tokenBody is the body of a validation of s.
func tokenBody(s *session) map[string]any {
	return map[string]any{"token": s.token, "ip": s.ip, "user_agent": "soak"}
}

// validate validates the live session s on rep and judges the answer;
// it reports whether s stays live.
func (l *load) validate(ctx context.Context, s *session, rep *replica, audit bool) bool {
	a := l.call(ctx, opValidate, rep, "POST", "/v1/sessions/validate", tokenBody(s))
	t, now := l.window.Load(), time.Now()
	switch {
	case a.refused():
		s.unanswered(l.rotateEvery, now)
	case a.code == 200:
		if s.goneOn != "" {
			t.wrongAnswer("session %s answered as gone on %s, then 200 on %s", s.id, s.goneOn, rep.name)
			s.goneOn = ""
		}
		s.answered(a, now)
		l.judgeData(t, s, a, rep)
	case a.code == 401:
		return l.invalid(s, a, rep, audit)
	default:
		t.unexpectedAnswer("validation", a)
	}
	return true
}

// judgeData checks the data of a 200 for s.
func (l *load) judgeData(t *tally, s *session, a answer, rep *replica) {
	n := a.Session.Data.N
	if n == nil {
		t.wrongAnswer("session %s on %s answered without its data", s.id, rep.name)
		return
	}
	switch s.observe(*n) {
	case dataStale:
		t.lostWrites.Add(1)
		t.note("lost: session %s on %s shows data %d, acknowledged %d", s.id, rep.name, *n, s.acked)
	case dataNever:
		t.wrongAnswer("session %s on %s shows data %d, never written (acknowledged %d, unanswered %v)", s.id, rep.name, *n, s.acked, s.unacked)
	}
}

// invalid judges a 401 for the live session s on rep and reports whether
// s stays live. A token whose rotation the load may have missed, or a
// session that may have expired, proves nothing. Otherwise the session
// was acknowledged and is live: in an audit it is lost; under load it is
// set aside for the next audit, which finds it lost, or live, and then
// the 401 was a wrong answer.
func (l *load) invalid(s *session, a answer, rep *replica, audit bool) bool {
	t := l.window.Load()
	switch {
	case a.Error != "invalid_session":
		t.unexpectedAnswer("call of a live session", a)
		return true
	case s.rotationUnknown:
		l.unsettle(s)
		return false
	case time.Now().After(s.seen.Add(l.idle - max(time.Second, l.idle/100) - rotationSlack)):
		t.note("session %s expired (idle)", s.id)
		return false
	case audit:
		t.lostSessions.Add(1)
		t.note("lost: session %s, acknowledged and live, answered 401 on %s in the audit", s.id, rep.name)
		return false
	}
	l.suspect(s, rep.name)
	return false
}

// suspect sets the live session s aside for the next audit, as answered
// gone on the replica named on.
func (l *load) suspect(s *session, on string) {
	s.goneOn = on
	l.mu.Lock()
	l.suspects = append(l.suspects, s)
	l.mu.Unlock()
}

// unsettle sets s aside for the next audit to revoke.
func (l *load) unsettle(s *session) {
	l.window.Load().retired.Add(1)
	l.mu.Lock()
	l.unsettled = append(l.unsettled, s)
	l.mu.Unlock()
}

// list lists the sessions of s's user on rep and reports whether s is
// among them; if not, s is set aside for the next audit, as a 401 is.
func (l *load) list(ctx context.Context, s *session, rep *replica) bool {
	a := l.call(ctx, opList, rep, "GET", "/v1/users/"+s.user+"/sessions", nil)
	switch {
	case a.refused():
	case a.code != 200:
		l.window.Load().unexpectedAnswer("list", a)
	case !slices.ContainsFunc(a.Sessions, func(j sessionJSON) bool { return j.ID == s.id }):
		l.suspect(s, rep.name+" (its user's list)")
		return false
	}
	return true
}

// logout ends s with its token on rep, then checks it on the other
// replica.
func (l *load) logout(ctx context.Context, s *session, rep *replica) {
	a := l.writeCall(ctx, opLogout, rep, "POST", "/v1/sessions/revoke", map[string]any{"token": s.token})
	switch {
	case a.refused():
		l.unsettle(s)
	case a.code == 204:
		l.checkEnded(ctx, s, rep)
	case a.code == 401:
		if l.invalid(s, a, rep, false) {
			l.pool.put(s)
		}
	default:
		l.window.Load().unexpectedAnswer("logout", a)
		l.unsettle(s)
	}
}

// revoke revokes s by its id on rep, as an operator or the user's other
// device would, then checks it on the other replica.
func (l *load) revoke(ctx context.Context, s *session, rep *replica) {
	a := l.writeCall(ctx, opRevoke, rep, "DELETE", "/v1/sessions/"+s.id, nil)
	switch {
	case a.refused():
		l.unsettle(s)
	case a.code == 204:
		l.checkEnded(ctx, s, rep)
	default:
		l.window.Load().unexpectedAnswer("revocation", a)
		l.unsettle(s)
	}
}

// checkEnded validates s, just ended on by, on the other replica until
// it is answered 401 (counting any 200 as a wrong answer), and adds it to
// the ended sessions.
func (l *load) checkEnded(ctx context.Context, s *session, by *replica) {
	at, on := time.Now(), l.other(by)
	p := propagation{checked: 1}
	for first := true; ctx.Err() == nil; first = false {
		a := l.call(ctx, opRecheck, on, "POST", "/v1/sessions/validate", tokenBody(s))
		t := l.window.Load()
		if a.code == 401 {
			if p.violations > 0 {
				p.delays = append(p.delays, time.Since(at))
			}
			break
		}
		if a.code == 200 && p.violations == 0 {
			p.violations = 1
			t.wrongAnswer("session %s ended on %s answered 200 on %s", s.id, by.name, on.name)
		}
		if a.refused() && first {
			p.refusedFirst = 1
		}
		if !a.refused() && a.code != 200 {
			t.unexpectedAnswer("validation of an ended session", a)
			break
		}
		if time.Since(at) > propagationWait {
			t.note("session %s ended on %s: %s gave no 401 within %v", s.id, by.name, on.name, propagationWait)
			break
		}
	}
	l.window.Load().propagated(p)
	l.ended.add(s)
}

// recheck validates an ended session at random: it must stay ended.
func (l *load) recheck(ctx context.Context) {
	s := l.ended.random()
	if s == nil {
		return
	}
	l.checkDead(ctx, s, l.pick())
}

// checkDead validates the ended session s on rep: a 200 is a wrong
// answer.
func (l *load) checkDead(ctx context.Context, s *session, rep *replica) {
	a := l.call(ctx, opRecheck, rep, "POST", "/v1/sessions/validate", tokenBody(s))
	t := l.window.Load()
	switch {
	case a.refused(), a.code == 401:
	case a.code == 200:
		t.wrongAnswer("ended session %s answered 200 on %s", s.id, rep.name)
	default:
		t.unexpectedAnswer("validation of an ended session", a)
	}
}

// endedSessions keeps the last sessions whose end the service
// acknowledged, for the load and the audits to check.
type endedSessions struct {
	mu   sync.Mutex
	ring []*session
	next int
}

// endedKept is how many ended sessions are kept.
const endedKept = 1000

// add keeps s, forgetting the oldest past endedKept.
func (e *endedSessions) add(s *session) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.ring) < endedKept {
		e.ring = append(e.ring, s)
		return
	}
	e.ring[e.next] = s
	e.next = (e.next + 1) % endedKept
}

// random returns a kept session at random, or nil.
func (e *endedSessions) random() *session {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.ring) == 0 {
		return nil
	}
	return e.ring[rand.IntN(len(e.ring))]
}

// all returns the kept sessions.
func (e *endedSessions) all() []*session {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.ring)
}
