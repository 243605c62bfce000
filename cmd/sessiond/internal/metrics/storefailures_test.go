package metrics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
)

// failing is a store whose Find and Update answer err.
type failing struct {
	sessiond.Store
	err error
}

func (f *failing) Find(context.Context, sessiond.Hash) (*sessiond.Record, bool, error) {
	return nil, false, f.err
}

func (f *failing) Update(context.Context, *sessiond.Record, int64) error { return f.err }

// TestStore_CountsFailuresByKind checks sessiond_store_errors_total: each
// failure under its store, method and kind, and the answers that are no
// failure (a version conflict, an unsupported call) not at all.
func TestStore_CountsFailuresByKind(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		kind string // "": not a failure
	}{
		{"store timeout", fmt.Errorf("redisstore: find: %w", context.DeadlineExceeded), "timeout"},
		{"network timeout", &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}, "timeout"},
		{"client went away", context.Canceled, "canceled"},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, "connection"},
		{"reset", fmt.Errorf("pgstore: find: %w", syscall.ECONNRESET), "connection"},
		{"cut short", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), "connection"},
		{"server error", errors.New("ERR unknown command"), "other"},
		{"damaged record", sessiond.ErrBadRecord, "other"},
		{"version conflict", sessiond.ErrConflict, ""},
		{"unsupported", errors.ErrUnsupported, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			s := m.Store(&failing{Store: memstore.New(memstore.Config{}), err: tc.err}, "redis", nil)
			s.Find(t.Context(), sessiond.Hash{})
			s.Update(t.Context(), &sessiond.Record{}, 1)
			for _, kind := range failureKinds {
				want := 0.0
				if kind == tc.kind {
					want = 1
				}
				for _, op := range []string{"find", "update"} {
					if got := testutil.ToFloat64(m.storeErrs.WithLabelValues("redis", op, kind)); got != want {
						t.Errorf("%s, %s: got %v, want %v", op, kind, got, want)
					}
				}
			}
		})
	}
}

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestStore_LogsFailuresAtABoundedRate checks the failure log in an
// outage: the first failure of each method and kind is logged with its
// cause, the rest of the same second only counted, the next one a second
// later says how many were left out, and canceled calls are never
// logged.
func TestStore_LogsFailuresAtABoundedRate(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	clock := fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	f := &failing{Store: memstore.New(memstore.Config{}), err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	s := New().Store(f, "postgres", log)
	s.(*timedStore).log.now = clock.Now
	lines := func() []string { return strings.Split(strings.TrimSpace(buf.String()), "\n") }

	for range 100 {
		s.Find(t.Context(), sessiond.Hash{})
	}
	s.Update(t.Context(), &sessiond.Record{}, 1)
	if got := lines(); len(got) != 2 || !strings.Contains(got[0], "op=find") || !strings.Contains(got[1], "op=update") {
		t.Fatalf("after 100 failed finds and an update in one second: got %q, want one line for each method", got)
	}
	for _, want := range []string{"store=postgres", "kind=connection", "connection refused", "left_out=0"} {
		if !strings.Contains(lines()[0], want) {
			t.Errorf("the first line %q does not hold %q", lines()[0], want)
		}
	}
	clock.Advance(999 * time.Millisecond)
	s.Find(t.Context(), sessiond.Hash{})
	if got := len(lines()); got != 2 {
		t.Errorf("a failure within the second was logged: %d lines, want 2", got)
	}
	clock.Advance(time.Millisecond)
	s.Find(t.Context(), sessiond.Hash{})
	if got := lines(); len(got) != 3 || !strings.Contains(got[2], "left_out=100") {
		t.Errorf("a second later: got %q, want a third line with left_out=100", got)
	}
	f.err = context.Canceled
	clock.Advance(time.Hour)
	s.Find(t.Context(), sessiond.Hash{})
	if got := len(lines()); got != 3 {
		t.Errorf("a canceled call was logged: %d lines, want 3", got)
	}
}
