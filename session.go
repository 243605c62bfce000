package sessiond

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
	// rq is the middleware's state of the request, nil outside it.
	rq *requestState

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

// State is what a session grants.
type State int

// The states of a session.
const (
	// StateActive is a complete login: the session grants what its user
	// may do.
	StateActive State = iota
	// StatePending is a half-finished login (a second factor is due). It
	// grants nothing; a full [Manager.Login] replaces it.
	StatePending
	// StateReauthRequired is a session that must re-authenticate
	// ([Session.Reauth]) before it grants anything again.
	StateReauthRequired
)

// String names the state.
func (st State) String() string {
	switch st {
	case StateActive:
		return "active"
	case StatePending:
		return "pending"
	case StateReauthRequired:
		return "reauth_required"
	}
	return "unknown"
}

// State returns what the session grants.
func (s *Session) State() State { return s.record().state() }

// state derives the state of a record: a pending login stays pending
// whatever else happens to it.
func (r *Record) state() State {
	switch {
	case r.Pending:
		return StatePending
	case r.ReauthRequired:
		return StateReauthRequired
	}
	return StateActive
}

// maxKeyLen bounds the length of a data key.
const maxKeyLen = 256

// ErrBadKey is returned by [Session.Set], and by [Manager.Login] and
// [Manager.LoginToken] for a key of [LoginInfo.Data], for an empty or
// over-long key.
var ErrBadKey = errors.New("sessiond: data key must be 1 to 256 bytes")

// Get returns the value stored under key, decoded into a T. It reports false
// when there is no such value or it does not decode into a T.
func Get[T any](s *Session, key string) (T, bool) {
	var v T
	found, err := s.Lookup(key, &v)
	return v, found && err == nil
}

// Lookup decodes the value stored under key into dst, which must be a
// pointer, and reports whether there was one. The first read of a request
// opens and decodes the session's data.
func (s *Session) Lookup(key string, dst any) (bool, error) {
	s.mu.Lock()
	raw, ok, err := s.lookupLocked(key)
	s.mu.Unlock()
	if err != nil || !ok {
		return false, err
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return false, fmt.Errorf("sessiond: decoding %q: %w", key, err)
	}
	return true, nil
}

// lookupLocked finds key among pending changes, then the stored data.
func (s *Session) lookupLocked(key string) (json.RawMessage, bool, error) {
	if raw, ok := s.changes[key]; ok {
		return raw, raw != nil, nil
	}
	if err := s.decodeLocked(); err != nil {
		return nil, false, err
	}
	raw, ok := s.values[key]
	return raw, ok, nil
}

// Set stores v, encoded as JSON, under key. The change is written when the
// request's response begins (or by [Session.Commit]), merged key by key with
// concurrent changes to other keys.
func (s *Session) Set(key string, v any) error {
	raw, err := encodeValue(key, v)
	if err != nil {
		return err
	}
	s.change(key, raw)
	return nil
}

// encodeValue checks key and encodes v, the value to store under it.
func encodeValue(key string, v any) (json.RawMessage, error) {
	if key == "" || len(key) > maxKeyLen {
		return nil, ErrBadKey
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sessiond: encoding %q: %w", key, err)
	}
	return raw, nil
}

// encodeValues encodes every value of data as Set would; no data is nil.
func encodeValues(data map[string]any) (map[string]json.RawMessage, error) {
	if len(data) == 0 {
		return nil, nil
	}
	values := make(map[string]json.RawMessage, len(data))
	for k, v := range data {
		raw, err := encodeValue(k, v)
		if err != nil {
			return nil, err
		}
		values[k] = raw
	}
	return values, nil
}

// Delete removes the value under key.
func (s *Session) Delete(key string) { s.change(key, nil) }

// change records a pending set (raw != nil) or delete (raw == nil).
func (s *Session) change(key string, raw json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changes == nil {
		s.changes = make(map[string]json.RawMessage)
	}
	s.changes[key] = raw
}

// Data returns a copy of every value, pending changes included.
func (s *Session) Data() (map[string]json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.decodeLocked(); err != nil {
		return nil, err
	}
	return applyChanges(maps.Clone(s.values), s.changes), nil
}

// DataJSON returns every value as one JSON object, pending changes
// included. When nothing was read or changed it is the stored object as
// it opens, with no decoding: for handing the data on, as an API does.
func (s *Session) DataJSON() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.values == nil && len(s.changes) == 0 {
		return s.m.openJSON(s.rec)
	}
	if err := s.decodeLocked(); err != nil {
		return nil, err
	}
	return json.Marshal(applyChanges(maps.Clone(s.values), s.changes))
}

// Keys returns the keys of every value, sorted.
func (s *Session) Keys() ([]string, error) {
	d, err := s.Data()
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(d)), nil
}

// decodeLocked opens the stored data once.
func (s *Session) decodeLocked() error {
	if s.values != nil {
		return nil
	}
	v, err := s.m.openData(s.rec)
	if err != nil {
		return err
	}
	s.values = v
	return nil
}

// applyChanges applies pending sets and deletes to values and returns it.
func applyChanges(values, changes map[string]json.RawMessage) map[string]json.RawMessage {
	if values == nil {
		values = make(map[string]json.RawMessage, len(changes))
	}
	for k, raw := range changes {
		if raw == nil {
			delete(values, k)
		} else {
			values[k] = raw
		}
	}
	return values
}

// openData opens and decodes a record's sealed data. Empty data is an empty
// map.
func (m *Manager) openData(rec *Record) (map[string]json.RawMessage, error) {
	values := map[string]json.RawMessage{}
	plain, err := m.openJSON(rec)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(plain, &values); err != nil || values == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrSealed)
	}
	return values, nil
}

// openJSON opens a record's sealed data: the JSON object sealData sealed,
// or {} for none.
func (m *Manager) openJSON(rec *Record) (json.RawMessage, error) {
	if len(rec.Data) == 0 {
		return json.RawMessage("{}"), nil
	}
	return m.keys.Open(rec.Data, []byte(rec.ID))
}

// sealData encodes and seals values for the session with the given id. No
// values seal to nil.
func (m *Manager) sealData(id string, values map[string]json.RawMessage) ([]byte, error) {
	if len(values) == 0 {
		return nil, nil
	}
	plain, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("sessiond: encoding data: %w", err)
	}
	return m.keys.seal(m.cfg.Rand, plain, []byte(id))
}

// maxAttempts bounds the compare-and-swap retries of one update. Every
// round has a winner, so this many concurrent writers to one session
// always get through.
const maxAttempts = 128

// active records a write as activity, so that it never carries back an
// older LastSeenAt than a concurrent touch wrote. It never revives a
// session whose deadline has passed.
func (m *Manager) active(next *Record) {
	now := m.now()
	if now.After(next.LastSeenAt) && now.Before(next.ExpiresAt()) {
		next.LastSeenAt = now
		next.IdleExpiresAt = m.idleDeadline(now, next.AbsoluteExpiresAt)
	}
}

// errSkip, returned by an update's change function, ends the update without
// a write.
var errSkip = errors.New("skip")

// update writes a change to the session with compare-and-swap on its
// version; every write counts as activity. change edits next, a copy of the current record (it replaces
// slices, never writes into them); on a conflict the record is reloaded and
// change runs again on the fresh copy. With strict, a conflict is returned
// as ErrConflict instead.
func (s *Session) update(ctx context.Context, strict bool, change func(next *Record) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revoked {
		return ErrInvalidToken
	}
	for range maxAttempts {
		base := s.rec
		next := *base
		if err := change(&next); err != nil {
			if errors.Is(err, errSkip) {
				return nil
			}
			return err
		}
		next.Version = base.Version + 1
		s.m.active(&next)
		err := s.m.store.Update(ctx, &next, base.Version)
		if err == nil {
			s.rec = &next
			return nil
		}
		if !errors.Is(err, ErrConflict) {
			return storeErr(err)
		}
		if strict {
			return ErrConflict
		}
		if err := s.reloadLocked(ctx); err != nil {
			return err
		}
	}
	return fmt.Errorf("sessiond: session %s: %w after %d attempts", s.rec.ID, ErrConflict, maxAttempts)
}

// reloadLocked fetches the current record after a conflict. A session that
// is gone, or whose presented token no longer leads to it, is invalid.
func (s *Session) reloadLocked(ctx context.Context) error {
	rec, found, err := s.m.store.Get(ctx, s.rec.ID)
	if err != nil {
		return storeErr(err)
	}
	if !found {
		s.revoked = true
		return ErrInvalidToken
	}
	s.rec = rec
	s.values = nil
	return nil
}
