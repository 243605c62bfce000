package pgstore

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestBoundTimesOut checks, on synctest's clock, that a bounded context
// ends with context.DeadlineExceeded between the timeout and a tick after
// it, and reports that deadline.
func TestBoundTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newDeadlines(time.Second)
		start := time.Now()
		ctx, release := d.bound(context.Background())
		defer release()
		if dl, ok := ctx.Deadline(); !ok || dl.Sub(start) < time.Second || dl.Sub(start) > time.Second+d.tick {
			t.Errorf("Deadline: got (%v after start, %t), want between 1s and 1s+tick", dl.Sub(start), ok)
		}
		time.Sleep(time.Second - time.Nanosecond)
		synctest.Wait()
		if err := ctx.Err(); err != nil {
			t.Fatalf("Err before the timeout: got %v, want nil", err)
		}
		time.Sleep(d.tick + time.Nanosecond)
		synctest.Wait()
		if err := ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Err after the timeout and a tick: got %v, want %v", err, context.DeadlineExceeded)
		}
	})
}

// TestBoundShares checks that calls within a tick share one deadline, and
// that a later call gets a new one.
func TestBoundShares(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newDeadlines(time.Second)
		first, _ := d.current()
		time.Sleep(d.tick / 2)
		if again, _ := d.current(); again != first {
			t.Error("current within a tick: got a new context, want the same")
		}
		time.Sleep(d.tick)
		if later, _ := d.current(); later == first {
			t.Error("current after a tick: got the same context, want a new one")
		}
	})
}

// TestBoundParent checks that the caller's context still rules: its
// cancellation and its earlier deadline.
func TestBoundParent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newDeadlines(time.Minute)
		parent, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		ctx, release := d.bound(parent)
		defer release()
		if dl, _ := ctx.Deadline(); !dl.Equal(time.Now().Add(time.Second)) {
			t.Errorf("Deadline: got %v, want the parent's, 1s from now", time.Until(dl))
		}
		cancel()
		if err := ctx.Err(); !errors.Is(err, context.Canceled) {
			t.Errorf("Err after the parent's cancel: got %v, want %v", err, context.Canceled)
		}
	})
}
