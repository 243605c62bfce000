package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestSoakSmoke runs the soak on each store on a short timescale, every
// fault once, with a freeze of 2 seconds, and checks what must hold on
// any machine: no wrong answer, no acknowledged session or write lost (on
// Redis too, which runs with its append-only file synced on every
// write), the service recovered after each fault without a restart, and
// each replica ends with no more goroutines than it had after the warmup.
// It asserts no timing.
func TestSoakSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sessiond and runs servers for about a minute: not under -short")
	}
	bin, err := buildSessiond("../../cmd/sessiond", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, store := range []string{"redis", "postgres", "bolt"} {
		t.Run(store, func(t *testing.T) {
			o := options{
				duration: 3 * time.Second, warmup: time.Second, freeze: 2 * time.Second,
				down: 500 * time.Millisecond, settle: 500 * time.Millisecond,
				workers: 8, sessions: 100, boltKills: 1, idle: 10 * time.Minute, rotateEvery: 10 * time.Second,
				timeout: 15 * time.Second, redisAOF: true, sessiond: bin, dir: t.TempDir(),
			}
			rep, err := runStore(t.Context(), o, store)
			if errors.Is(err, errNotInstalled) {
				t.Skip(err)
			}
			if rep != nil {
				var out strings.Builder
				rep.print(&out)
				t.Log(out.String())
			}
			if err != nil {
				t.Fatal(err)
			}
			checkSmoke(t, rep)
		})
	}
}

// leeway is how many more goroutines than after the warmup a replica may
// have at the end.
const leeway = 2

// checkSmoke checks a smoke run's report.
func checkSmoke(t *testing.T, rep *storeReport) {
	t.Helper()
	if wrong, lost := rep.failures(); wrong != 0 || lost != 0 {
		t.Errorf("got %d wrong answers and %d lost sessions or writes, want none", wrong, lost)
	}
	for _, w := range rep.windows {
		if w.requests.Load() == 0 {
			t.Errorf("%s: no call made", w.name)
		}
		if n := w.unexpected.Load(); n != 0 {
			t.Errorf("%s: %d answers of an unexpected status, want none", w.name, n)
		}
		if !w.injected.IsZero() && w.recovered < 0 {
			t.Errorf("%s: the service did not recover", w.name)
		}
	}
	if len(rep.start) != rep.replicas || len(rep.end) != rep.replicas {
		t.Fatalf("usage of %d and %d replicas, want %d", len(rep.start), len(rep.end), rep.replicas)
	}
	for i := range rep.replicas {
		// Idle, a replica holds the same store connections at the end as
		// after the warmup, and none from clients; a reading may catch one
		// or two goroutines of a connection just closed.
		if s, e := rep.start[i], rep.end[i]; s.goroutines == 0 || e.goroutines > s.goroutines+leeway {
			t.Errorf("replica %c: %v goroutines after the warmup, %v at the end, want at most %d more", 'A'+i, s.goroutines, e.goroutines, leeway)
		}
	}
}
