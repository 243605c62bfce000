package metrics

import (
	"context"

	"github.com/sessiond/sessiond"
)

// revokeReasons are the reasons a session is revoked or evicted for.
var revokeReasons = []string{
	sessiond.ReasonLogout, sessiond.ReasonLogin, sessiond.ReasonRevoked,
	sessiond.ReasonUser, sessiond.ReasonAll, sessiond.ReasonTokenReuse,
	sessiond.ReasonAnomaly, sessiond.ReasonEvicted, sessiond.ReasonMFAFailed, "other",
}

// The steps of device binding the device metrics are labelled with.
const (
	stepRegistration = "registration"
	stepRefresh      = "refresh"
	stepUnverified   = "unverified"
)

// deviceReasons are the reasons of each step's failures.
var deviceReasons = map[string][]string{
	stepRegistration: {
		sessiond.ReasonDeviceNoSession, sessiond.ReasonDeviceNotActive, sessiond.ReasonDeviceAlreadyBound,
		sessiond.ReasonDeviceMissingProof, sessiond.ReasonDeviceMalformedProof, sessiond.ReasonDeviceBadAlg,
		sessiond.ReasonDeviceBadKey, sessiond.ReasonDeviceBadSignature, sessiond.ReasonDeviceBadChallenge,
		sessiond.ReasonDeviceExpired, sessiond.ReasonDeviceBadAuthz, sessiond.ReasonDeviceStoreError, "other",
	},
	stepRefresh: {
		sessiond.ReasonDeviceNoSession, sessiond.ReasonDeviceNotBound, sessiond.ReasonDeviceWrongSession,
		sessiond.ReasonDeviceMalformedProof, sessiond.ReasonDeviceBadAlg, sessiond.ReasonDeviceBadSignature,
		sessiond.ReasonDeviceBadChallenge, sessiond.ReasonDeviceExpired, sessiond.ReasonDeviceStoreError, "other",
	},
	stepUnverified: {
		sessiond.ReasonBoundCookieMissing, sessiond.ReasonBoundCookieInvalid, sessiond.ReasonBoundCookieExpired,
		sessiond.ReasonSkippedUnreachable, sessiond.ReasonSkippedServerError, sessiond.ReasonSkippedQuotaExceeded,
		sessiond.ReasonSkipped, "other",
	},
}

// auditor counts lifecycle events and passes each on.
type auditor struct {
	m    *Metrics
	next sessiond.Auditor
}

// Auditor returns a [sessiond.Auditor] that counts session.created,
// session.revoked, session.evicted and session.expired events, and the
// device-binding events (session.device_bound, session.device_refreshed,
// and the failures: session.device_registration_failed,
// session.device_refresh_failed, session.device_unverified), then hands
// every event to next. A nil next drops the events after counting them.
// It is a [sessiond.EventKeeper] too, which keeps events where next does:
// when next is one (a [sessiond.StoreAuditor]) on the Manager's own store,
// the Manager keeps a login's session.created event with the session in
// one write, and the auditor counts it through AuditKept.
func (m *Metrics) Auditor(next sessiond.Auditor) sessiond.Auditor {
	return auditor{m: m, next: next}
}

// Audit counts e and passes it on.
func (a auditor) Audit(ctx context.Context, e sessiond.Event) {
	a.m.count(e)
	if a.next != nil {
		a.next.Audit(ctx, e)
	}
}

// EventStore is next's, when next is a [sessiond.EventKeeper]: the
// counting auditor keeps events where next does. Otherwise it is nil, and
// every event goes through Audit.
func (a auditor) EventStore() sessiond.AuditStore {
	if k, ok := a.next.(sessiond.EventKeeper); ok {
		return k.EventStore()
	}
	return nil
}

// AuditKept counts e, which is already kept in EventStore, and passes it
// on to next as kept.
func (a auditor) AuditKept(ctx context.Context, e sessiond.Event) {
	a.m.count(e)
	if k, ok := a.next.(sessiond.EventKeeper); ok {
		k.AuditKept(ctx, e)
	}
}

// count adds e to the counter of its type, if it has one.
func (m *Metrics) count(e sessiond.Event) {
	switch e.Type {
	case sessiond.EventCreated:
		m.created.Inc()
	case sessiond.EventExpired:
		m.expired.Inc()
	case sessiond.EventRevoked, sessiond.EventEvicted:
		m.revoked.WithLabelValues(known(e.Reason, revokeReasons)).Inc()
	case sessiond.EventDeviceBound:
		m.device.WithLabelValues(stepRegistration).Inc()
	case sessiond.EventDeviceRefreshed:
		m.device.WithLabelValues(stepRefresh).Inc()
	case sessiond.EventDeviceRegistrationFailed:
		m.deviceFailed(stepRegistration, e.Reason)
	case sessiond.EventDeviceRefreshFailed:
		m.deviceFailed(stepRefresh, e.Reason)
	case sessiond.EventDeviceUnverified:
		m.deviceFailed(stepUnverified, e.Reason)
	}
}

// deviceFailed counts a failure of a device-binding step for reason.
func (m *Metrics) deviceFailed(step, reason string) {
	m.deviceBad.WithLabelValues(step, known(reason, deviceReasons[step])).Inc()
}
