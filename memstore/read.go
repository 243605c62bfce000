package memstore

import (
	"context"
	"slices"

	"github.com/sessiond/sessiond"
)

// Get returns a copy of the record with the given id. It never fails.
func (s *Store) Get(_ context.Context, id string) (*sessiond.Record, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.byID[id]
	if !ok {
		return nil, false, nil
	}
	return view(rec), true, nil
}

// Find returns a copy of the record whose current or retired token hash is
// h. It never fails.
func (s *Store) Find(_ context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byHash[h]
	if !ok {
		return nil, false, nil
	}
	return view(s.byID[id]), true, nil
}

// ListUser returns copies of the records of userID, from the per-user
// index. An empty userID has no records. It never fails.
func (s *Store) ListUser(_ context.Context, userID string) ([]*sessiond.Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := s.byUser[userID]
	if len(ids) == 0 {
		return nil, nil
	}
	recs := make([]*sessiond.Record, 0, len(ids))
	for id := range ids {
		recs = append(recs, view(s.byID[id]))
	}
	return recs, nil
}

// view returns a copy of rec for a caller: its own struct, sharing the
// slices, which nobody writes into (the store replaces a record whole on
// Update, and callers replace slices rather than change them, as the
// sessiond.Store contract says). This keeps Find, the hot path, at one
// allocation.
func view(rec *sessiond.Record) *sessiond.Record {
	c := *rec
	return &c
}

// clone returns a copy of rec that shares no memory with it. Nil and empty
// slices cost no allocation. The store clones every record on the way in,
// so that it keeps no caller's memory, and for expiry callbacks, which may
// keep what they are given.
func clone(rec *sessiond.Record) *sessiond.Record {
	c := *rec
	c.Retired = slices.Clone(rec.Retired)
	c.AuthMethods = slices.Clone(rec.AuthMethods)
	c.Data = slices.Clone(rec.Data)
	return &c
}
