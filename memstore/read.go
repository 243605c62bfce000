package memstore

import (
	"context"

	"github.com/sessiond/sessiond"
)

// Get returns the record with the given id. It never fails.
func (s *Store) Get(_ context.Context, id string) (*sessiond.Record, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.byID[id]
	if !ok {
		return nil, false, nil
	}
	return rec, true, nil
}

// Find returns the record whose current or retired token hash is
// h. It never fails.
func (s *Store) Find(_ context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byHash[h]
	if !ok {
		return nil, false, nil
	}
	return s.byID[id], true, nil
}

// ListUser returns the records of userID, from the per-user
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
		recs = append(recs, s.byID[id])
	}
	return recs, nil
}
