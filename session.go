package sessiond

import (
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// Session is one user's session as a request sees it: its metadata, its
// data, and the lifecycle operations. A Session is safe for concurrent use;
// its data is decoded only when first read.
type Session struct {
	m      *Manager
	client Client
	// presented is the hash of the token the request holds: the one the
	// session was loaded or created with, or the one a rotation in this
	// request issued; zero for a session that came from a list.
	presented Hash
	// h is the middleware's state of the request, nil outside it.
	h *holder

	mu      sync.Mutex
	rec     *Record
	values  map[string]json.RawMessage // decoded data, nil until read
	changes map[string]json.RawMessage // pending sets; nil value: delete
	revoked bool
}

// newSession wraps a record loaded or created for client c.
func (m *Manager) newSession(rec *Record, c Client, presented Hash) *Session {
	s := new(Session)
	s.init(m, rec, c, presented)
	return s
}

// init sets up a zero Session.
func (s *Session) init(m *Manager, rec *Record, c Client, presented Hash) {
	s.m, s.rec, s.client, s.presented = m, rec, c, presented
}

// record returns the current record under the lock.
func (s *Session) record() *Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec
}

// holdsCurrent reports whether the request holds the session's current
// token.
func (s *Session) holdsCurrent() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec.TokenHash == s.presented
}

// ID returns the session's public id: safe to show, list and log.
func (s *Session) ID() string { return s.record().ID }

// UserID returns the user the session belongs to.
func (s *Session) UserID() string { return s.record().UserID }

// CreatedAt returns when the session was created by a login.
func (s *Session) CreatedAt() time.Time { return s.record().CreatedAt }

// LastSeenAt returns the last recorded activity (see Config.TouchInterval).
func (s *Session) LastSeenAt() time.Time { return s.record().LastSeenAt }

// IdleExpiresAt returns when the session ends without further activity.
func (s *Session) IdleExpiresAt() time.Time { return s.record().IdleExpiresAt }

// AbsoluteExpiresAt returns when the session ends whatever its activity.
func (s *Session) AbsoluteExpiresAt() time.Time { return s.record().AbsoluteExpiresAt }

// AuthTime returns when the user last proved who they are.
func (s *Session) AuthTime() time.Time { return s.record().AuthTime }

// AuthMethods returns the methods of that proof, e.g. "pwd", "totp".
func (s *Session) AuthMethods() []string { return slices.Clone(s.record().AuthMethods) }

// IP returns the client address recorded with the session.
func (s *Session) IP() string { return s.record().IP }

// UserAgent returns the User-Agent recorded with the session.
func (s *Session) UserAgent() string { return s.record().UserAgent }

// Persistent reports whether the session was made with "remember me".
func (s *Session) Persistent() bool { return s.record().Persistent }

// Version returns the session's version: it grows by one on every data
// change and every rotation.
func (s *Session) Version() int64 { return s.record().Version }

// Client returns the client of the request the session was loaded for.
func (s *Session) Client() Client { return s.client }
