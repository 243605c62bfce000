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

// auditor counts lifecycle events and passes each on.
type auditor struct {
	m    *Metrics
	next sessiond.Auditor
}

// Auditor returns a [sessiond.Auditor] that counts session.created,
// session.revoked, session.evicted and session.expired events, then hands
// every event to next. A nil next drops the events after counting them.
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

// count adds e to the counter of its type, if it has one.
func (m *Metrics) count(e sessiond.Event) {
	switch e.Type {
	case sessiond.EventCreated:
		m.created.Inc()
	case sessiond.EventExpired:
		m.expired.Inc()
	case sessiond.EventRevoked, sessiond.EventEvicted:
		m.revoked.WithLabelValues(known(e.Reason, revokeReasons)).Inc()
	}
}
