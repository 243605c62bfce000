package metrics

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/sessiond/sessiond"
)

// recorder is an Auditor that keeps what it hears.
type recorder struct {
	mu     sync.Mutex
	events []sessiond.Event
}

func (r *recorder) Audit(_ context.Context, e sessiond.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func TestAuditor_CountsAndPassesOn(t *testing.T) {
	t.Parallel()
	ev := func(typ sessiond.EventType, reason string) sessiond.Event {
		return sessiond.Event{Type: typ, Reason: reason, SessionID: "s1", UserID: "u1"}
	}
	events := []sessiond.Event{
		ev(sessiond.EventCreated, ""),
		ev(sessiond.EventCreated, ""),
		ev(sessiond.EventRevoked, sessiond.ReasonLogout),
		ev(sessiond.EventRevoked, sessiond.ReasonUser),
		ev(sessiond.EventRevoked, sessiond.ReasonUser),
		ev(sessiond.EventRevoked, "not-a-reason"),
		ev(sessiond.EventEvicted, sessiond.ReasonEvicted),
		ev(sessiond.EventExpired, sessiond.ReasonIdle),
		ev(sessiond.EventExpired, sessiond.ReasonAbsolute),
		ev(sessiond.EventRotated, sessiond.ReasonPeriodic),
		ev(sessiond.EventLoginFailed, ""),
	}
	m := New()
	next := &recorder{}
	a := m.Auditor(next)
	for _, e := range events {
		a.Audit(t.Context(), e)
	}
	if !slices.Equal(next.events, events) {
		t.Errorf("next auditor: got %v, want %v", next.events, events)
	}
	for _, tc := range []struct {
		name, label, value string
		want               float64
	}{
		{"sessions_created_total", "", "", 2},
		{"sessions_expired_total", "", "", 2},
		{"sessions_revoked_total", "reason", sessiond.ReasonLogout, 1},
		{"sessions_revoked_total", "reason", sessiond.ReasonUser, 2},
		{"sessions_revoked_total", "reason", sessiond.ReasonEvicted, 1},
		{"sessions_revoked_total", "reason", "other", 1},
		{"sessions_revoked_total", "reason", sessiond.ReasonAll, 0},
	} {
		t.Run(tc.name+"/"+tc.value, func(t *testing.T) {
			if got := count(t, m, tc.name, tc.label, tc.value); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAuditor_NilNext(t *testing.T) {
	t.Parallel()
	m := New()
	m.Auditor(nil).Audit(t.Context(), sessiond.Event{Type: sessiond.EventCreated})
	if got := count(t, m, "sessions_created_total", "", ""); got != 1 {
		t.Errorf("sessions_created_total: got %v, want 1", got)
	}
}
