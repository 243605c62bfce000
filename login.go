package sessiond

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxUserID bounds the length of a user id.
const maxUserID = 256

// ErrBadUserID is returned by [Manager.Login] for a user id that is empty,
// longer than 256 bytes, not UTF-8, or holds a character that is not shown
// as itself (see [Manager.Login]).
var ErrBadUserID = errors.New("sessiond: user id must be 1 to 256 bytes of printable UTF-8")

// validUserID reports whether id is a user id every store can keep and
// every page can show as it is.
func validUserID(id string) bool {
	return id != "" && len(id) <= maxUserID && utf8.ValidString(id) &&
		strings.IndexFunc(id, hidden) < 0
}

// hidden reports whether r is a character that is not shown as itself:
// a control character (Cc), a format character (Cf: the bidirectional
// overrides such as U+202E, zero-width spaces and joiners, U+FEFF), or a
// line or paragraph separator (U+2028, U+2029). Such characters let one
// user id pass for another on an operator's screen or break a log line.
func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// LoginInfo describes a successful login.
type LoginInfo struct {
	// UserID is the user who logged in.
	UserID string
	// Methods names how they proved it, e.g. "pwd", "totp".
	Methods []string
	// Persistent asks for a "remember me" cookie, which outlives the
	// browser but never the absolute deadline.
	Persistent bool
	// Client is who logged in. Inside the middleware it defaults to the
	// request's client.
	Client Client
	// Pending starts a half-finished login: the first factor is proven but
	// a second is due. The session grants nothing ([FromContext] returns
	// nil; [FromContextAny] finds it, with [StatePending]) and lasts at
	// most Config.PendingTimeout; the login is finished by a Login of the
	// same user without Pending, which replaces it: a new session, with
	// the Data that Login gives, none of the pending session's.
	Pending bool
	// Data is the session's first data, written with the session itself,
	// so that a session starts at version 1 with data as without. Each
	// value is stored under its key as [Session.Set] stores it, encoded as
	// JSON; a key must be 1 to 256 bytes ([ErrBadKey]). A bad key or a
	// value that does not encode fails the login before anything is
	// written.
	Data map[string]any
}

// ErrNoMiddleware is returned by [Manager.Login] outside
// [Manager.Handler], where no response carries the new cookie: there
// [Manager.LoginToken] returns the token for the caller to deliver.
var ErrNoMiddleware = errors.New("sessiond: Login needs Manager.Handler; outside it use LoginToken")

// Login starts a new session, inside the middleware, for a user who has
// just authenticated: the request's current session, if any, is revoked
// first (so a planted or pre-login token dies with the login: session
// fixation) and the new session's cookie is set for the response. The
// token itself never reaches the handler, which has no use for it.
//
// The user id must be 1 to 256 bytes of UTF-8 without control or format
// characters (U+202E and the like) or line separators ([ErrBadUserID]), so
// that it shows as itself wherever it is listed. Outside the middleware,
// and for a client that presents its token in an Authorization header,
// use [Manager.LoginToken].
func (m *Manager) Login(ctx context.Context, info LoginInfo) (*Session, error) {
	if requestFrom(ctx) == nil {
		return nil, ErrNoMiddleware
	}
	s, _, err := m.LoginToken(ctx, info)
	return s, err
}

// LoginToken is [Manager.Login] returning the new session's token too, for
// the caller to deliver: a service answering another application (as
// sessiond's API does), code outside the middleware, or a response to a
// client that presents its token in an Authorization header. Inside the
// middleware it also ends the request's current session and sets the
// cookie, as Login does.
func (m *Manager) LoginToken(ctx context.Context, info LoginInfo) (*Session, string, error) {
	if !validUserID(info.UserID) {
		return nil, "", ErrBadUserID
	}
	values, err := encodeValues(info.Data)
	if err != nil {
		return nil, "", err
	}
	rs := requestFrom(ctx)
	if err := rs.canWrite(); err != nil {
		return nil, "", err
	}
	if rs != nil {
		if err := rs.endCurrent(ctx, ReasonLogin); err != nil {
			return nil, "", err
		}
		if info.Client == (Client{}) {
			info.Client = rs.client
		}
	}
	s, tok, err := m.create(ctx, info, values)
	if err != nil {
		return nil, "", err
	}
	if !info.Pending {
		if err := m.evict(ctx, info.UserID, s.rec.ID); err != nil {
			return nil, "", err
		}
	}
	rs.adopt(s, tok)
	rs.loggedIn(!info.Pending)
	return s, tok, nil
}

// create stores a fresh session for info, with values as its data.
func (m *Manager) create(ctx context.Context, info LoginInfo, values map[string]json.RawMessage) (*Session, string, error) {
	now := m.now()
	id, err := newID(m.cfg.Rand, now)
	if err != nil {
		return nil, "", err
	}
	data, err := m.sealData(id, values)
	if err != nil {
		return nil, "", err
	}
	tok, h, err := newToken(m.cfg.Rand)
	if err != nil {
		return nil, "", err
	}
	abs := now.Add(m.cfg.AbsoluteTimeout)
	if info.Pending {
		abs = now.Add(m.cfg.PendingTimeout)
	}
	rec := &Record{
		ID:                id,
		UserID:            info.UserID,
		TokenHash:         h,
		TokenIssuedAt:     now,
		CreatedAt:         now,
		LastSeenAt:        now,
		IdleExpiresAt:     m.idleDeadline(now, abs),
		AbsoluteExpiresAt: abs,
		AuthTime:          now,
		AuthMethods:       slices.Clone(info.Methods),
		IP:                info.Client.IP,
		UserAgent:         clip(info.Client.UserAgent, maxUserAgent),
		Persistent:        info.Persistent && !info.Pending,
		Pending:           info.Pending,
		Data:              data,
		Version:           1,
	}
	reason := ""
	if info.Pending {
		reason = ReasonPending
	}
	if err := m.createAudited(ctx, rec, lifecycleEvent(EventCreated, rec, info.Client, reason)); err != nil {
		return nil, "", err
	}
	return m.newSession(rec, info.Client, h), tok, nil
}

// createAudited stores rec and audits e, its session.created event: in
// one write when the Auditor keeps its events in the Manager's store and
// the store can ([EventCreator]), else with Create and then Audit. Either
// way the event is audited only once the record is stored.
func (m *Manager) createAudited(ctx context.Context, rec *Record, e Event) error {
	if k, ec, ok := m.eventCreator(); ok {
		e = m.complete(ctx, e)
		if err := ec.CreateWithEvents(ctx, rec, []Event{e}); err != nil {
			return storeErr(err)
		}
		k.AuditKept(ctx, e)
		return nil
	}
	if err := m.store.Create(ctx, rec); err != nil {
		return storeErr(err)
	}
	m.Audit(ctx, e)
	return nil
}

// eventCreator returns the Auditor and the store when the Auditor keeps
// its events in the Manager's own store and that store is an
// [EventCreator].
func (m *Manager) eventCreator() (EventKeeper, EventCreator, bool) {
	k, ok := m.cfg.Auditor.(EventKeeper)
	if !ok {
		return nil, nil, false
	}
	ec, ok := m.store.(EventCreator)
	return k, ec, ok && sameStore(k.EventStore(), m.store)
}

// sameStore reports whether a and s are one store: the same pointer.
// Stores of other kinds are taken as different, since comparing them
// could panic.
func sameStore(a AuditStore, s Store) bool {
	t := reflect.TypeOf(a)
	return t != nil && t.Kind() == reflect.Pointer && t == reflect.TypeOf(s) && any(a) == any(s)
}

// evict enforces Config.MaxSessionsPerUser after a login of user: past the
// limit, the oldest sessions (by creation) are revoked and audited as
// session.evicted. Half-finished logins neither count nor go.
func (m *Manager) evict(ctx context.Context, user, keep string) error {
	limit := m.cfg.MaxSessionsPerUser
	if limit <= 0 {
		return nil
	}
	sessions, err := m.List(ctx, user)
	if err != nil {
		return err
	}
	others := slices.DeleteFunc(sessions, func(s *Session) bool { return s.rec.ID == keep })
	excess := len(others) - (limit - 1) // the kept session counts too
	if excess <= 0 {
		return nil
	}
	slices.SortFunc(others, func(a, b *Session) int {
		return cmp.Or(a.rec.CreatedAt.Compare(b.rec.CreatedAt), cmp.Compare(a.rec.ID, b.rec.ID))
	})
	for _, s := range others[:excess] {
		if err := m.store.Delete(ctx, s.rec.ID); err != nil {
			return storeErr(err)
		}
		m.audit(ctx, EventEvicted, s.rec, Client{}, ReasonEvicted)
	}
	return nil
}
