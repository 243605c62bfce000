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
		ev(sessiond.EventDeviceBound, ""),
		ev(sessiond.EventDeviceRefreshed, ""),
		ev(sessiond.EventDeviceRefreshed, ""),
		ev(sessiond.EventDeviceRegistrationFailed, sessiond.ReasonDeviceBadSignature),
		ev(sessiond.EventDeviceRefreshFailed, sessiond.ReasonDeviceBadChallenge),
		ev(sessiond.EventDeviceUnverified, sessiond.ReasonSkippedQuotaExceeded),
		ev(sessiond.EventDeviceUnverified, "not-a-reason"),
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
		{"sessions_device_proofs_total", "step", stepRegistration, 1},
		{"sessions_device_proofs_total", "step", stepRefresh, 2},
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

// TestAuditor_DeviceFailures checks that refused device-binding steps are
// counted by step and reason, an unknown reason as other, and that every
// known series starts at zero.
func TestAuditor_DeviceFailures(t *testing.T) {
	t.Parallel()
	m := New()
	a := m.Auditor(nil)
	for _, e := range []sessiond.Event{
		{Type: sessiond.EventDeviceRegistrationFailed, Reason: sessiond.ReasonDeviceBadSignature},
		{Type: sessiond.EventDeviceRefreshFailed, Reason: sessiond.ReasonDeviceBadChallenge},
		{Type: sessiond.EventDeviceRefreshFailed, Reason: sessiond.ReasonDeviceBadChallenge},
		{Type: sessiond.EventDeviceUnverified, Reason: sessiond.ReasonSkippedQuotaExceeded},
		{Type: sessiond.EventDeviceUnverified, Reason: "not-a-reason"},
	} {
		a.Audit(t.Context(), e)
	}
	got := map[[2]string]float64{}
	for _, s := range family(t, m, "sessions_device_failures_total").GetMetric() {
		var key [2]string
		for _, l := range s.GetLabel() {
			switch l.GetName() {
			case "step":
				key[0] = l.GetValue()
			case "reason":
				key[1] = l.GetValue()
			}
		}
		got[key] = s.GetCounter().GetValue()
	}
	for key, want := range map[[2]string]float64{
		{stepRegistration, sessiond.ReasonDeviceBadSignature}: 1,
		{stepRefresh, sessiond.ReasonDeviceBadChallenge}:      2,
		{stepUnverified, sessiond.ReasonSkippedQuotaExceeded}: 1,
		{stepUnverified, "other"}:                             1,
		{stepUnverified, sessiond.ReasonBoundCookieMissing}:   0,
		{stepRegistration, sessiond.ReasonDeviceAlreadyBound}: 0,
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%v: got %v (present %t), want %v", key, v, ok, want)
		}
	}
}
