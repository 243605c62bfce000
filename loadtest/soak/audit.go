package main

import (
	"context"
	"sync"
	"time"
)

// auditWorkers is how many calls an audit makes at once.
const auditWorkers = 8

// audit checks, while the load is paused, every session the load knows.
// It revokes by id the sessions a call may have ended or given a token
// the load never saw, which then count as ended; validates every live
// session, and every one answered 401 under load (a 401 now is a lost
// session, an older data value a lost write); and validates every ended
// session kept (a 200 is a wrong answer).
func (l *load) audit(ctx context.Context) {
	l.mu.Lock()
	unsettled, suspects := l.unsettled, l.suspects
	l.unsettled, l.suspects = nil, nil
	l.mu.Unlock()
	forEach(unsettled, func(s *session) {
		if l.settle(ctx, s) {
			l.ended.add(s)
		}
	})
	forEach(append(l.pool.drain(), suspects...), func(s *session) {
		if l.validate(ctx, s, l.pick(), true) {
			l.pool.put(s)
		}
	})
	forEach(l.ended.all(), func(s *session) { l.checkDead(ctx, s, l.pick()) })
}

// settle revokes s by id, retrying while refused for up to
// propagationWait, and reports whether the service acknowledged it.
func (l *load) settle(ctx context.Context, s *session) bool {
	for start := time.Now(); ctx.Err() == nil && time.Since(start) < propagationWait; {
		a := l.call(ctx, opRevoke, l.replicas[0], "DELETE", "/v1/sessions/"+s.id, nil)
		switch {
		case a.code == 204:
			return true
		case !a.refused():
			l.window.Load().unexpectedAnswer("revocation in the audit", a)
			return false
		}
	}
	return false
}

// forEach calls f on every item, auditWorkers at a time, and waits.
func forEach[T any](items []T, f func(T)) {
	ch := make(chan T)
	var wg sync.WaitGroup
	for range auditWorkers {
		wg.Go(func() {
			for it := range ch {
				f(it)
			}
		})
	}
	for _, it := range items {
		ch <- it
	}
	close(ch)
	wg.Wait()
}
