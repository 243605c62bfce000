package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/sessiond/sessiond"
)

// The kinds of store failure, as indexes into failureKinds.
const (
	kindTimeout = iota
	kindCanceled
	kindConnection
	kindOther
	numKinds
)

// failureKinds are the kind label values, in the order of the kind
// constants.
var failureKinds = [numKinds]string{"timeout", "canceled", "connection", "other"}

// failed reports whether err, returned by a store call, is a failure of
// the store rather than an answer: a version conflict (the store's
// compare-and-swap at work) and an optional call the store does not
// support are answers.
func failed(err error) bool {
	return err != nil && !errors.Is(err, sessiond.ErrConflict) && !errors.Is(err, errors.ErrUnsupported)
}

// failureKind sorts a store failure: the call ran out of time (the
// store's own timeout or the request's deadline), the request was
// canceled (its client went away: not the store's fault), the connection
// to the store failed, or anything else (an error the server answered, a
// damaged record).
func failureKind(err error) int {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return kindTimeout
	case errors.Is(err, context.Canceled):
		return kindCanceled
	case errors.As(err, new(*net.OpError)), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return kindConnection
	}
	return kindOther
}

// failureLog logs store failures at a bounded rate: in an outage every
// request fails, and a line each would drown the log. It logs the first
// failure of each method and kind, then at most one a second for each,
// which says how many it left out since the one before. Canceled calls are
// counted but never logged: their clients went away.
type failureLog struct {
	log   *slog.Logger // nil: nothing is logged
	store string
	now   func() time.Time

	mu   sync.Mutex
	last [numOps][numKinds]time.Time // when each was last logged
	left [numOps][numKinds]int       // left out since
}

// newFailureLog returns the failure log of the store name on log.
func newFailureLog(log *slog.Logger, name string, now func() time.Time) *failureLog {
	return &failureLog{log: log, store: name, now: now}
}

// record logs the failure err of a call of op, unless one of the same
// method and kind was logged less than a second ago.
func (l *failureLog) record(op, kind int, err error) {
	if l.log == nil || kind == kindCanceled {
		return
	}
	now := l.now()
	l.mu.Lock()
	if last := l.last[op][kind]; !last.IsZero() && now.Sub(last) < time.Second && !now.Before(last) {
		l.left[op][kind]++
		l.mu.Unlock()
		return
	}
	left := l.left[op][kind]
	l.last[op][kind], l.left[op][kind] = now, 0
	l.mu.Unlock()
	l.log.Error("session store call failed",
		"store", l.store, "op", storeOps[op], "kind", failureKinds[kind], "error", err.Error(), "left_out", left)
}
