package sessiond

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// maxKeyLen bounds the length of a data key.
const maxKeyLen = 256

// ErrBadKey is returned by [Session.Set] for an empty or over-long key.
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
	if key == "" || len(key) > maxKeyLen {
		return ErrBadKey
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sessiond: encoding %q: %w", key, err)
	}
	s.change(key, raw)
	return nil
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
