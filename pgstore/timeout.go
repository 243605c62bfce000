package pgstore

import (
	"context"
	"sync"
	"time"
)

// A timer per call would bound each call exactly, but arming a timer can
// wake a sleeping thread of the Go scheduler, which costs more CPU than
// the rest of a call's client side. So calls share deadlines instead: every
// call started within one tick of the clock gets the same deadline context,
// which ends between Timeout and Timeout plus a tick after the call
// started, and is merged with the caller's context without a timer.

// deadlines hands out shared deadline contexts.
type deadlines struct {
	timeout, tick time.Duration

	mu     sync.Mutex
	ctx    context.Context    // ends at end
	cancel context.CancelFunc // never called: ctx ends by itself
	end    time.Time
}

// newDeadlines returns deadlines for calls bounded by timeout, shared over
// ticks of a tenth of it.
func newDeadlines(timeout time.Duration) *deadlines {
	return &deadlines{timeout: timeout, tick: timeout / 10}
}

// current returns a context that ends no sooner than timeout from now and
// no later than a tick after that, and when it ends.
func (d *deadlines) current() (context.Context, time.Time) {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil || d.end.Sub(now) < d.timeout {
		// The previous context is left to end by itself: calls still use it.
		d.end = now.Add(d.timeout + d.tick)
		d.ctx, d.cancel = context.WithDeadline(context.Background(), d.end)
	}
	return d.ctx, d.end
}

// bound returns ctx, ended also when the shared deadline passes, and the
// function that releases it. Its Err is context.DeadlineExceeded when the
// shared deadline ended it, as from a context.WithTimeout.
func (d *deadlines) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	shared, end := d.current()
	c, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(shared, func() { cancel(context.DeadlineExceeded) })
	return boundCtx{Context: c, end: end}, func() {
		stop()
		cancel(context.Canceled)
	}
}

// boundCtx is a context ended by its parent or by a shared deadline. It
// forwards Done and Value to the context it wraps, so that the context
// package still sees the cancelCtx within and merges without a goroutine.
type boundCtx struct {
	context.Context
	end time.Time // the shared deadline
}

// Deadline returns the earlier of the parent's deadline and the shared one.
func (c boundCtx) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok && d.Before(c.end) {
		return d, true
	}
	return c.end, true
}

// Err reports context.DeadlineExceeded when the shared deadline ended the
// context, as context.WithTimeout would, and the parent's error otherwise.
func (c boundCtx) Err() error {
	err := c.Context.Err()
	if err != nil && context.Cause(c.Context) == context.DeadlineExceeded {
		return context.DeadlineExceeded
	}
	return err
}
