package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/sessiond/sessiond"
)

// readFigures are the figures of a read load: requests, those not
// answered 200, requests a second, and latency percentiles.
type readFigures struct {
	n, failed int
	rps       float64
	p50, p99  time.Duration
}

// latencies are the latencies of one load's requests, and how many of them
// were not answered 200.
type latencies struct {
	d      []time.Duration
	failed int
	took   time.Duration
}

// add adds l2 to l, as if both ran in one load of l's length.
func (l *latencies) add(l2 latencies) {
	l.d = append(l.d, l2.d...)
	l.failed += l2.failed
	l.took += l2.took
}

// figures returns the figures of l.
func (l latencies) figures() readFigures {
	d := slices.Clone(l.d)
	slices.Sort(d)
	f := readFigures{n: len(d), failed: l.failed}
	if len(d) == 0 {
		return f
	}
	f.rps = float64(len(d)) / l.took.Seconds()
	f.p50 = d[len(d)/2]
	f.p99 = d[min(len(d)*99/100, len(d)-1)]
	return f
}

// readHandler returns sessiond's middleware on m around a handler that
// answers 200 when the request has a session.
func readHandler(m *sessiond.Manager) http.Handler {
	ok := answer(false)
	return m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sessiond.FromContext(r.Context()) == nil {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		ok(w)
	}))
}

// readLoad sends GET / through h from conns goroutines for d, each
// request with the next of tokens as its session cookie, and returns the
// latencies. It calls h directly, with no network between: what it
// measures is the middleware and its store.
func readLoad(ctx context.Context, h http.Handler, tokens []string, conns int, d time.Duration) latencies {
	var (
		mu  sync.Mutex
		all latencies
		wg  sync.WaitGroup
	)
	t0 := time.Now()
	end := t0.Add(d)
	for g := range conns {
		wg.Go(func() {
			l := readLoop(ctx, end, h, tokens, g*len(tokens)/conns)
			mu.Lock()
			defer mu.Unlock()
			all.d = append(all.d, l.d...)
			all.failed += l.failed
		})
	}
	wg.Wait()
	all.took = time.Since(t0)
	return all
}

// readLoop sends requests through h one after the other until end (or
// until ctx ends), starting with tokens[first]. The requests' context is
// ctx, so that none is cut short by the end of the load.
func readLoop(ctx context.Context, end time.Time, h http.Handler, tokens []string, first int) latencies {
	var l latencies
	for i := first; ctx.Err() == nil && time.Now().Before(end); i = (i + 1) % len(tokens) {
		r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
		r.RemoteAddr = scaleClient.IP + ":40000"
		r.Header.Set("User-Agent", scaleClient.UserAgent)
		r.Header.Set("Cookie", sessiond.DefaultCookieName+"="+tokens[i])
		w := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, r)
		l.d = append(l.d, time.Since(t0))
		if w.Code != http.StatusOK {
			l.failed++
		}
	}
	return l
}
