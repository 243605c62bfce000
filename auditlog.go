package sessiond

import "context"

// Audit sends e to the configured [Auditor], filling in its id and time when
// they are empty. Applications use it for their own events, such as
// [EventLoginFailed].
func (m *Manager) Audit(ctx context.Context, e Event) {
	if e.ID == "" {
		e.ID, _ = newID(m.cfg.Rand)
	}
	if e.Time.IsZero() {
		e.Time = m.now()
	}
	m.cfg.Auditor.Audit(ctx, e)
}

// audit records a lifecycle event of rec, as seen from client c; without a
// client (a sweeper, an operator) it gives the session's own.
func (m *Manager) audit(ctx context.Context, t EventType, rec *Record, c Client, reason string) {
	if c == (Client{}) {
		c = Client{IP: rec.IP, UserAgent: rec.UserAgent}
	}
	m.Audit(ctx, Event{
		Type:      t,
		UserID:    rec.UserID,
		SessionID: rec.ID,
		IP:        c.IP,
		UserAgent: c.UserAgent,
		Reason:    reason,
	})
}
