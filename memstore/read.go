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
	return clone(rec), true, nil
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
	return clone(s.byID[id]), true, nil
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
		recs = append(recs, clone(s.byID[id]))
	}
	return recs, nil
}

// clone returns a copy of rec that shares no memory with it. Nil and empty
// slices cost no allocation. The store clones every record on the way in,
// so that it keeps no caller's memory, and on the way out, so that a caller
// that changes a returned record (decrypting Data in place, say) changes
// nothing the store or other callers see.
func clone(rec *sessiond.Record) *sessiond.Record {
	c := *rec
	c.Retired = slices.Clone(rec.Retired)
	c.AuthMethods = slices.Clone(rec.AuthMethods)
	c.Data = slices.Clone(rec.Data)
	return &c
}
