package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// window is one window of a run and its figures: the steady load before
// the first fault, or a fault from its injection until the next.
type window struct {
	*tally
	// injected and lifted are when the fault was made and ended (zero for
	// the steady load); liftTook is how long the lift took (a restart
	// until the process answers).
	injected, lifted time.Time
	liftTook         time.Duration
	// recovered is how long after the lift the last refusal came, or -1
	// if the load was still refused serverWait after it.
	recovered time.Duration
	// before and after are each replica's usage just before the fault and
	// once the service had recovered.
	before, after []usage
}

// outage is the time from the injection to the last refusal, 0 if the
// load saw none.
func (w *window) outage() time.Duration {
	last := time.Unix(0, w.lastRefusal.Load())
	if w.lastRefusal.Load() == 0 || last.Before(w.injected) {
		return 0
	}
	return last.Sub(w.injected)
}

// storeReport is what one store's soak measured.
type storeReport struct {
	store    string
	replicas int
	windows  []*window
	// start and end are each replica's usage after the warmup and at the
	// end, idle.
	start, end []usage
	ops        [numOps]int64
	took       time.Duration
}

// failures returns the wrong answers and the lost sessions and writes of
// every window.
func (r *storeReport) failures() (wrong, lost int64) {
	for _, w := range r.windows {
		wrong += w.wrong.Load()
		lost += w.lostSessions.Load() + w.lostWrites.Load()
	}
	return wrong, lost
}

// print writes the report as Markdown: a line on the load, a table of
// the windows, the replicas' usage and the revocations' propagation, and
// the notes of the windows.
func (r *storeReport) print(out io.Writer) {
	fmt.Fprintf(out, "\n### %s, %d replica(s), %v\n\n", r.store, r.replicas, r.took.Round(time.Second))
	var calls []string
	for i, n := range r.ops {
		calls = append(calls, fmt.Sprintf("%d %s", n, opNames[i]))
	}
	fmt.Fprintf(out, "Calls (audits included): %s.\n\n", strings.Join(calls, ", "))
	fmt.Fprintln(out, "| window | calls | refused: 503 / no answer | other | wrong | lost sessions / writes | set aside | injection to last refusal | lift took | lift to last refusal |")
	fmt.Fprintln(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, w := range r.windows {
		fmt.Fprintf(out, "| %s | %d | %d / %d | %d | %d | %d / %d | %d | %s | %s | %s |\n", w.name,
			w.requests.Load(), w.refused503.Load(), w.refusedConn.Load(), w.unexpected.Load(), w.wrong.Load(),
			w.lostSessions.Load(), w.lostWrites.Load(), w.retired.Load(),
			dur(w.outage(), !w.injected.IsZero()), dur(w.liftTook, !w.injected.IsZero()), recovery(w))
	}
	fmt.Fprintln(out, "\nReplicas' RSS/Go heap and goroutines, idle (connections closed): after the warmup → at the end; just before each fault → once recovered:")
	fmt.Fprintln(out)
	r.printUsage(out, "whole run", r.start, r.end)
	for _, w := range r.windows[1:] {
		r.printUsage(out, w.name, w.before, w.after)
	}
	var touches []string
	for i, u := range r.end {
		touches = append(touches, fmt.Sprintf("%c %.0f", 'A'+i, u.touches))
	}
	fmt.Fprintf(out, "- touches, since each replica's last start: %s\n", strings.Join(touches, ", "))
	var prop propagation
	fmt.Fprintln(out)
	for _, w := range r.windows {
		p, notes := w.snapshot()
		prop.add(p)
		for _, n := range notes {
			fmt.Fprintf(out, "- %s: %s\n", w.name, n)
		}
	}
	fmt.Fprintf(out, "\nRevocations: %s.\n", prop)
}

// printUsage writes one line of each replica's usage at two points.
func (r *storeReport) printUsage(out io.Writer, what string, from, to []usage) {
	var parts []string
	for i := range min(len(from), len(to)) {
		parts = append(parts, fmt.Sprintf("%c %v → %v", 'A'+i, from[i], to[i]))
	}
	fmt.Fprintf(out, "- %s: %s\n", what, strings.Join(parts, "; "))
}

// dur formats d rounded to milliseconds, or "–" when it does not apply.
func dur(d time.Duration, applies bool) string {
	if !applies {
		return "–"
	}
	return d.Round(time.Millisecond).String()
}

// recovery formats w.recovered.
func recovery(w *window) string {
	switch {
	case w.injected.IsZero():
		return "–"
	case w.recovered < 0:
		return "not recovered"
	}
	return w.recovered.Round(time.Millisecond).String()
}
