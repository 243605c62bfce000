package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/sessiond/sessiond"
)

// expiryRun adds o.scale.expiring of s's size in sessions to s, whose deadlines
// fall due one after the other over o.scale.expireOver, from a moment far
// enough ahead that they are all created and a baseline of reads has run
// first. Then it reads through s's sample in windows of o.scale.secs until the
// sweep after the last deadline is over (o.scale.sweepEvery later), and returns
// the figures of the windows before the first deadline and of those
// after it. When the creation took so long that no window ran before the
// first deadline, the baseline is read after the last window instead,
// when the store is back to its size.
func expiryRun(ctx context.Context, o options, s *scaleStore, out io.Writer) (expiryFigures, error) {
	count := int(float64(s.n) * o.scale.expiring)
	f := expiryFigures{created: count}
	if count == 0 {
		return f, nil
	}
	baseline := time.Duration(o.scale.baselineWindows) * o.scale.secs
	// The measuring store writes slower than the fill store did.
	est := time.Duration(3*float64(count)/s.fillRate*float64(time.Second)) + time.Second
	now := time.Now()
	first := now.Add(est + baseline)
	err := createAll(ctx, s.store, count, io.Discard, func(i int) *sessiond.Record {
		_, h := newScaleToken()
		due := first.Add(o.scale.expireOver * time.Duration(i) / time.Duration(count))
		return newScaleRecord("expiring-"+strconv.Itoa(i), h, now, due)
	})
	if err != nil {
		return f, fmt.Errorf("creating the expiring sessions: %w", err)
	}
	fmt.Fprintf(out, "%d sessions of %s expire from %s on, over %s; created in %s\n",
		count, s.label, first.Format(time.TimeOnly), o.scale.expireOver, time.Since(now).Round(time.Millisecond))
	var before, during latencies
	h := readHandler(s.m)
	end := first.Add(o.scale.expireOver + o.scale.sweepEvery + o.scale.secs)
	fmt.Fprintf(out, "%-9s %-7s %8s %9s %9s %6s %8s\n", "window", "phase", "req/s", "p50", "p99", "fail", "removed")
	for t := time.Now(); t.Before(end) && ctx.Err() == nil; t = time.Now() {
		l := readLoad(ctx, h, s.tokens, o.scale.conns, o.scale.secs)
		phase := "before"
		if t.Add(o.scale.secs).After(first) {
			phase = "during"
			during.add(l)
			f.noteWindow(l.figures())
		} else {
			before.add(l)
		}
		f.printWindow(out, t.Sub(first), phase, l.figures(), s.expired.Load())
	}
	for before.took < baseline/2 && ctx.Err() == nil {
		l := readLoad(ctx, h, s.tokens, o.scale.conns, o.scale.secs)
		before.add(l)
		f.printWindow(out, time.Since(first), "after", l.figures(), s.expired.Load())
	}
	if err := ctx.Err(); err != nil {
		return f, err
	}
	f.before, f.during, f.removed = before.figures(), during.figures(), s.expired.Load()
	fmt.Fprintf(out, "expiry on %s: p99 %s before, %s during (%.2f), worst window %s; requests/s %.0f before, %.0f during; removed by its sweeper %d of %d\n",
		s.label, short(f.before.p99), short(f.during.p99), ratio(f.during.p99, f.before.p99), short(f.worst.p99),
		f.before.rps, f.during.rps, f.removed, count)
	return f, nil
}

// noteWindow counts a window during the expiry and keeps it if its p99
// is the worst yet.
func (f *expiryFigures) noteWindow(w readFigures) {
	f.windows++
	if w.p99 > f.worst.p99 {
		f.worst = w
	}
}

// printWindow prints the figures of one window of reads, at offset from
// the first deadline.
func (f *expiryFigures) printWindow(out io.Writer, offset time.Duration, phase string, w readFigures, removed int64) {
	fmt.Fprintf(out, "%-9s %-7s %8.0f %9s %9s %6d %8d\n",
		offset.Round(time.Second), phase, w.rps, short(w.p50), short(w.p99), w.failed, removed)
}
