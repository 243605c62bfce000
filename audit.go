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

	// Device binding (see DeviceBindingConfig): a browser bound the
	// session to its key, proved possession of it again for a new bound
	// cookie, or failed to; and a bound session presented without a live
	// bound cookie, which was refused (the reason says why, with
	// Chromium's Secure-Session-Skipped reason when it sent one).
	EventDeviceBound              EventType = "session.device_bound"
	EventDeviceRefreshed          EventType = "session.device_refreshed"
	EventDeviceRegistrationFailed EventType = "session.device_registration_failed"
	EventDeviceRefreshFailed      EventType = "session.device_refresh_failed"
	EventDeviceUnverified         EventType = "session.device_unverified"

	// The Manager never writes these two: an application that keeps its
	// users writes them with [Manager.Audit], as the service's admin UI
	// does when an operator disables or enables a user.
	EventUserDisabled EventType = "user.disabled"
	EventUserEnabled  EventType = "user.enabled"
)

// EventTypes returns every EventType above, in the order of their
// declaration.
func EventTypes() []EventType {
	return []EventType{
		EventCreated, EventRotated, EventReauthenticated, EventRevoked, EventExpired,
		EventTokenReused, EventAnomaly, EventEvicted, EventThrottled,
		EventLoginSucceeded, EventLoginFailed, EventUserDisabled, EventUserEnabled,
		EventDeviceBound, EventDeviceRefreshed, EventDeviceRegistrationFailed,
		EventDeviceRefreshFailed, EventDeviceUnverified,
	}
}

// Reasons given with revocation, rotation and expiry events, and with the
// anomaly and throttle events.
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
	ReasonAnomaly    = "anomaly"     // revoked by the anomaly policy
	ReasonEvicted    = "evicted"     // revoked by the session limit
	ReasonPending    = "pending"     // session.created: a half-finished login, its second factor due
	ReasonMFAFailed  = "mfa_failed"  // a half-finished login ended by too many wrong second factors

	ReasonIPChange             = "ip_change"                // session.anomaly: the IP left its network
	ReasonUserAgentChange      = "user_agent_change"        // session.anomaly: the User-Agent changed or went missing
	ReasonIPAndUserAgentChange = "ip_and_user_agent_change" // session.anomaly: both at once
	ReasonInvalidTokens        = "invalid_tokens"           // session.throttled: too many invalid tokens from one client
)

// Reasons of session.device_unverified: the bound cookie was missing,
// was none of the session's, or had run out; or the browser said with
// Secure-Session-Skipped why it sent none.
const (
	ReasonBoundCookieMissing   = "bound_cookie_missing"
	ReasonBoundCookieInvalid   = "bound_cookie_invalid"
	ReasonBoundCookieExpired   = "bound_cookie_expired"
	ReasonSkippedUnreachable   = "skipped_unreachable"    // the refresh endpoint could not be reached
	ReasonSkippedServerError   = "skipped_server_error"   // the refresh endpoint answered with an error
	ReasonSkippedQuotaExceeded = "skipped_quota_exceeded" // the browser's refresh quota ran out
	ReasonSkipped              = "skipped"                // another reason of Secure-Session-Skipped
)

// The reasons a proof is refused: the reason of a
// session.device_registration_failed or session.device_refresh_failed
// audit event.
const (
	ReasonDeviceNoSession      = "no_session"        // the request carries no live session
	ReasonDeviceNotActive      = "not_active"        // registration of a half-finished login, or one that must re-authenticate
	ReasonDeviceAlreadyBound   = "already_bound"     // registration of a session already bound: a key is never replaced
	ReasonDeviceNotBound       = "not_bound"         // refresh of a session that is not bound
	ReasonDeviceWrongSession   = "wrong_session"     // Sec-Secure-Session-Id names another session, or none
	ReasonDeviceMissingProof   = "missing_proof"     // registration without Secure-Session-Response
	ReasonDeviceMalformedProof = "malformed_proof"   // the JWT does not parse, or its typ is not dbsc+jwt
	ReasonDeviceBadAlg         = "bad_alg"           // alg not offered (none included), or not the key's
	ReasonDeviceBadKey         = "bad_key"           // the registration's JWK is missing, malformed or too weak
	ReasonDeviceBadSignature   = "bad_signature"     // the signature does not verify with the key
	ReasonDeviceBadChallenge   = "bad_challenge"     // jti is no challenge of this session, or one already used
	ReasonDeviceExpired        = "challenge_expired" // jti is a challenge of this session whose time is up
	ReasonDeviceBadAuthz       = "bad_authorization" // the registration's authorization is not the one offered
	ReasonDeviceStoreError     = "store_error"       // the store failed while the proof was being recorded
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
	// Actor names who acted, when it was not the user: an operator
	// ("operator:alice"), given by [WithActor]. It is empty for a user's
	// own actions and for what the Manager does by itself (expiry,
	// rotation).
	Actor string `json:"actor"`
}

// actorKey is the context key of [WithActor].
type actorKey struct{}

// WithActor returns a copy of ctx that acts for actor: someone other than
// the user, such as an operator who ends a user's sessions. Every event
// audited with the context names the actor in [Event.Actor]: those of
// [Manager.RevokeID], [Manager.RevokeUser] and [Manager.RevokeEverything],
// and those given to [Manager.Audit] without an Actor of their own.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor that [WithActor] put in ctx, or "".
func ActorFrom(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
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
		slog.String("actor", e.Actor),
	)
}

// Audit sends e to the configured [Auditor], filling in its id and time when
// they are empty, and its actor from ctx ([WithActor]). Applications use it
// for their own events, such as [EventLoginFailed].
func (m *Manager) Audit(ctx context.Context, e Event) {
	m.cfg.Auditor.Audit(ctx, m.complete(ctx, e))
}

// complete fills in e's id, time and actor where they are empty.
func (m *Manager) complete(ctx context.Context, e Event) Event {
	if e.Time.IsZero() {
		e.Time = m.now()
	}
	if e.ID == "" {
		e.ID, _ = newID(m.cfg.Rand, e.Time)
	}
	if e.Actor == "" {
		e.Actor = ActorFrom(ctx)
	}
	return e
}

// audit records a lifecycle event of rec, as seen from client c; without a
// client (a sweeper, an operator) it gives the session's own.
func (m *Manager) audit(ctx context.Context, t EventType, rec *Record, c Client, reason string) {
	m.Audit(ctx, lifecycleEvent(t, rec, c, reason))
}

// lifecycleEvent is the event of type t of rec, as [Manager.audit]
// records it.
func lifecycleEvent(t EventType, rec *Record, c Client, reason string) Event {
	if c == (Client{}) {
		c = Client{IP: rec.IP, UserAgent: rec.UserAgent}
	}
	return Event{
		Type:      t,
		UserID:    rec.UserID,
		SessionID: rec.ID,
		IP:        c.IP,
		UserAgent: c.UserAgent,
		Reason:    reason,
	}
}

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

// EventPager is implemented by audit stores that can go on where a query
// left off, so that a long audit log is read a page at a time, each page
// costing about what the first does.
type EventPager interface {
	// QueryEventPage returns the events q selects that come after the
	// place cursor names, newest first as QueryEvents orders them, at
	// most q.Max() of them, and the cursor of the next page, which may
	// turn out empty: "" when there is no more. An empty cursor starts
	// at the newest event;
	// any other must be one the store returned, with the same q (a
	// cursor it did not make is [ErrBadCursor]). A store that bounds the
	// work of one call may return a page shorter than q.Max() with a
	// cursor that goes on further back. A store that wraps another and
	// cannot page because the other cannot answers [errors.ErrUnsupported].
	QueryEventPage(ctx context.Context, q EventQuery, cursor string) (events []Event, next string, err error)
}

// EventKeeper is implemented by auditors that keep every event in an
// [AuditStore], as [StoreAuditor] does. When that store is the [Manager]'s
// own and an [EventCreator], the Manager has the store keep a new
// session's session.created event in the same write as the session, and
// hands the event to AuditKept instead of Audit.
type EventKeeper interface {
	Auditor
	// EventStore returns the store Audit keeps events in.
	EventStore() AuditStore
	// AuditKept does the rest of what Audit does, for an event that is
	// already kept in EventStore.
	AuditKept(ctx context.Context, e Event)
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
	a.AuditKept(ctx, e)
}

// EventStore returns a.Store.
func (a StoreAuditor) EventStore() AuditStore { return a.Store }

// AuditKept passes e, already kept in a.Store, on to Next.
func (a StoreAuditor) AuditKept(ctx context.Context, e Event) {
	next := a.Next
	if next == nil {
		next = SlogAuditor{}
	}
	next.Audit(ctx, e)
}
