package sessiond

import (
	"context"
	"log/slog"
	"time"
)

// EventType names a lifecycle event. The values are part of the service
// contract and never change.
type EventType string

// The lifecycle events.
const (
	EventCreated         EventType = "session.created"
	EventRotated         EventType = "session.rotated"
	EventReauthenticated EventType = "session.reauthenticated"
	EventRevoked         EventType = "session.revoked"
	EventExpired         EventType = "session.expired"
	EventTokenReused     EventType = "session.token_reused"
	EventAnomaly         EventType = "session.anomaly"
	EventEvicted         EventType = "session.evicted"
	EventThrottled       EventType = "session.throttled"
	EventLoginSucceeded  EventType = "login.succeeded"
	EventLoginFailed     EventType = "login.failed"
)

// Reasons given with revocation, rotation and expiry events.
const (
	ReasonLogout     = "logout"      // the user logged out
	ReasonLogin      = "login"       // a new login replaced the session (fixation defence)
	ReasonRevoked    = "revoked"     // revoked by id
	ReasonUser       = "user"        // all of the user's sessions were revoked
	ReasonAll        = "all"         // every session was revoked
	ReasonTokenReuse = "token_reuse" // a rotated-out token came back after its grace window
	ReasonIdle       = "idle"        // the idle deadline passed
	ReasonAbsolute   = "absolute"    // the absolute deadline passed
	ReasonPeriodic   = "periodic"    // the token reached RotateEvery
	ReasonRenew      = "renew"       // rotation on privilege change
)

// Event is one audit record. It never holds a token, raw or hashed.
type Event struct {
	ID        string    `json:"id"`
	Time      time.Time `json:"time"`
	Type      EventType `json:"type"`
	UserID    string    `json:"user_id"`
	SessionID string    `json:"session_id"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
	Reason    string    `json:"reason"`
}

// Auditor receives every lifecycle event. Implementations must be safe for
// concurrent use and should not block for long: they run on the request path.
type Auditor interface {
	Audit(ctx context.Context, e Event)
}

// SlogAuditor writes events as structured log records. It is the default
// [Auditor], writing to [slog.Default].
type SlogAuditor struct {
	// Logger receives the records; nil means slog.Default().
	Logger *slog.Logger
}

// Audit logs e at level Info with the message "audit".
func (a SlogAuditor) Audit(ctx context.Context, e Event) {
	l := a.Logger
	if l == nil {
		l = slog.Default()
	}
	l.LogAttrs(ctx, slog.LevelInfo, "audit",
		slog.String("event_id", e.ID),
		slog.Time("event_time", e.Time.UTC()),
		slog.String("type", string(e.Type)),
		slog.String("user_id", e.UserID),
		slog.String("session_id", e.SessionID),
		slog.String("ip", e.IP),
		slog.String("user_agent", e.UserAgent),
		slog.String("reason", e.Reason),
	)
}
