package sessiond

import (
	"context"
	"log/slog"
)

// Bounds of [EventQuery.Limit].
const (
	DefaultEventLimit = 100
	MaxEventLimit     = 1000
)

// EventQuery selects audit events: every non-empty field must match.
type EventQuery struct {
	UserID    string
	SessionID string
	Type      EventType
	// Limit is the most events to return, newest first. Zero means
	// DefaultEventLimit; more than MaxEventLimit means MaxEventLimit.
	Limit int
}

// Max returns the effective limit of q.
func (q EventQuery) Max() int {
	switch {
	case q.Limit <= 0:
		return DefaultEventLimit
	case q.Limit > MaxEventLimit:
		return MaxEventLimit
	}
	return q.Limit
}

// Match reports whether e is selected by q (the limit aside).
func (q EventQuery) Match(e Event) bool {
	return (q.UserID == "" || q.UserID == e.UserID) &&
		(q.SessionID == "" || q.SessionID == e.SessionID) &&
		(q.Type == "" || q.Type == e.Type)
}

// AuditStore is implemented by stores that also keep audit events, within
// a retention bound (an age, a count, or both) that each store documents.
// [StoreAuditor] writes to one.
type AuditStore interface {
	// AppendEvent keeps e.
	AppendEvent(ctx context.Context, e Event) error
	// QueryEvents returns the events q selects, newest first: by
	// Event.Time, or by arrival, which agree for events appended as they
	// happen (as the Manager does).
	QueryEvents(ctx context.Context, q EventQuery) ([]Event, error)
}

// StoreAuditor is an [Auditor] that keeps every event in an [AuditStore]
// and passes it on to Next.
type StoreAuditor struct {
	Store AuditStore
	// Next receives every event after the store; nil means a SlogAuditor
	// on slog.Default().
	Next Auditor
	// Logger hears of events the store failed to keep; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Audit keeps e in the store and passes it on. A store failure cannot fail
// the request that caused the event: it is logged.
func (a StoreAuditor) Audit(ctx context.Context, e Event) {
	if err := a.Store.AppendEvent(ctx, e); err != nil {
		l := a.Logger
		if l == nil {
			l = slog.Default()
		}
		l.LogAttrs(ctx, slog.LevelError, "audit event not stored",
			slog.String("event_id", e.ID), slog.String("type", string(e.Type)), slog.Any("error", err))
	}
	next := a.Next
	if next == nil {
		next = SlogAuditor{}
	}
	next.Audit(ctx, e)
}
