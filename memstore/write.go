package memstore

import (
	"context"
	"slices"
	"time"

	"github.com/sessiond/sessiond"
)

// Create stores a copy of rec. It returns [sessiond.ErrConflict] if a
// record with the same ID exists, or if any of rec's token hashes, current
// or retired, leads to another record.
func (s *Store) Create(ctx context.Context, rec *sessiond.Record) error {
	return s.CreateWithEvents(ctx, rec, nil)
}

// CreateWithEvents is Create followed, once the record is stored, by
// AppendEvent of each event, all under the store's locks, so that no
// reader sees the events without the record.
func (s *Store) CreateWithEvents(_ context.Context, rec *sessiond.Record, events []sessiond.Event) error {
	c := clone(rec)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[c.ID]; ok || !s.hashesFree(c.ID, c.Hashes()) {
		return sessiond.ErrConflict
	}
	s.put(c)
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	for _, e := range events {
		s.appendLocked(e)
	}
	return nil
}

// Update replaces the stored record with a copy of rec if the stored
// version is version, and re-indexes its token hashes. It returns
// [sessiond.ErrConflict] if the record is missing, its version differs, or
// one of rec's hashes leads to another record.
func (s *Store) Update(_ context.Context, rec *sessiond.Record, version int64) error {
	c := clone(rec)
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.byID[c.ID]
	if !ok || old.Version != version || !s.hashesFree(c.ID, c.Hashes()) {
		return sessiond.ErrConflict
	}
	// Replacing the stored record, rather than copying over it, lets remove
	// drop every old index entry and put add the new ones.
	s.remove(old)
	s.put(c)
	return nil
}

// Touch moves the LastSeenAt and IdleExpiresAt of the record id forward to
// lastSeen and idleExpires, each only if it is later. A missing record, or
// one that has expired by the store's clock, is left alone and is not an
// error: a late touch must not bring back a session that is over.
func (s *Store) Touch(_ context.Context, id string, lastSeen, idleExpires time.Time) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byID[id]
	if !ok || !now.Before(rec.ExpiresAt()) {
		return nil
	}
	// Records once stored are never changed, because readers hold them:
	// the touch stores a new copy (sharing the slices, which nobody writes).
	c := *rec
	if lastSeen.After(c.LastSeenAt) {
		c.LastSeenAt = lastSeen
	}
	if idleExpires.After(c.IdleExpiresAt) {
		c.IdleExpiresAt = idleExpires
	}
	s.byID[id] = &c
	return nil
}

// Delete removes the record id and its index entries. A missing record is
// not an error.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.DeleteMany(ctx, []string{id})
}

// DeleteAll removes every record and reports how many there were. It
// calls no expiry callback.
func (s *Store) DeleteAll(_ context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.byID)
	s.reset() // new maps, not cleared ones, so that their memory is freed
	return n, nil
}

// clone returns a copy of rec that shares no memory with it. Nil and empty
// slices cost no allocation. The store clones every record on the way in,
// so that it keeps no caller's memory. Records it returns are its own,
// read-only to the caller (the sessiond.Store contract): Find, the hot
// path, allocates nothing.
func clone(rec *sessiond.Record) *sessiond.Record {
	c := *rec
	c.Retired = slices.Clone(rec.Retired)
	c.AuthMethods = slices.Clone(rec.AuthMethods)
	c.Data = slices.Clone(rec.Data)
	return &c
}

// DeleteMany removes the records ids under one lock: what Delete does for
// each, with no other call seeing some of them gone and others not.
func (s *Store) DeleteMany(_ context.Context, ids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if rec, ok := s.byID[id]; ok {
			s.remove(rec)
		}
	}
	return nil
}
