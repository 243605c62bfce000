package memstore

import (
	"context"
	"slices"

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

// ListAll returns the first limit records of users after the position
// after, in the order of [sessiond.SessionLister]. It looks at every
// record, keeping the best limit as it goes, under the read lock: the
// memory store has no index by deadline, which every write would have to
// keep, and a page of a million sessions costs about as much as one pass
// of the sweeper. It never fails.
func (s *Store) ListAll(_ context.Context, after sessiond.ListPosition, limit int) ([]*sessiond.Record, error) {
	if limit <= 0 {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var page []*sessiond.Record
	for _, rec := range s.byID {
		if rec.UserID == "" || !after.Before(rec) ||
			len(page) == limit && page[limit-1].Position().Before(rec) {
			continue // not listed, or not in the best limit
		}
		i, _ := slices.BinarySearchFunc(page, rec, listOrder)
		if len(page) == limit {
			page = page[:limit-1]
		}
		page = slices.Insert(page, i, rec)
	}
	return page, nil
}

// listOrder compares two records in the order of ListAll.
func listOrder(a, b *sessiond.Record) int {
	if a.Position().Before(b) {
		return -1
	}
	return 1 // two records never share a position: their ids differ
}
