package boltstore

import (
	"bytes"
	"context"

	"github.com/sessiond/sessiond"
)

// The reads below run in read-only transactions and never wait for a
// writer: see Store.read. Each returns records decoded afresh, the
// caller's own. The context is not consulted: a read of the local file
// does not block.

// Get returns the record with the given id.
func (s *Store) Get(_ context.Context, id string) (*sessiond.Record, bool, error) {
	var rec *sessiond.Record
	err := s.read("get", withSessions(func(b sessions) (err error) {
		rec, err = b.get([]byte(id))
		return err
	}, bucketRecords))
	if err != nil || rec == nil {
		return nil, false, err
	}
	return rec, true, nil
}

// Find returns the record whose current or retired token hash is h.
func (s *Store) Find(_ context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	var rec *sessiond.Record
	err := s.read("find", withSessions(func(b sessions) (err error) {
		if id := b.tokens.Get(h[:]); id != nil {
			rec, err = b.get(id)
		}
		return err
	}, bucketTokens, bucketRecords))
	if err != nil || rec == nil {
		return nil, false, err
	}
	return rec, true, nil
}

// ListUser returns the records of userID from the per-user index, which it
// reads from the user's first session entry to the last, and no further.
// An empty userID has no records.
func (s *Store) ListUser(_ context.Context, userID string) ([]*sessiond.Record, error) {
	if userID == "" {
		return nil, nil
	}
	prefix := indexKey(userID, kindSession, nil)
	var recs []*sessiond.Record
	err := s.read("list user", withSessions(func(b sessions) error {
		recs = recs[:0]
		c := b.byUser.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			rec, err := b.get(k[len(prefix):])
			if err != nil {
				return err
			}
			if rec != nil {
				recs = append(recs, rec)
			}
		}
		return nil
	}, bucketByUser, bucketRecords))
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// ListAll returns up to limit records of users after the position after,
// in the order of [sessiond.SessionLister]: it reads the list index
// backwards from the entry before after (or from the last) and stops at
// the limit.
func (s *Store) ListAll(_ context.Context, after sessiond.ListPosition, limit int) ([]*sessiond.Record, error) {
	if limit <= 0 {
		return nil, nil
	}
	var before []byte
	if after != (sessiond.ListPosition{}) {
		before = expiryKey(after.AbsoluteExpiresAt, []byte(after.ID))
	}
	var recs []*sessiond.Record
	err := s.read("list all", withSessions(func(b sessions) error {
		recs = recs[:0]
		return backwards(b.list.Cursor(), nil, before, func(k []byte) (bool, error) {
			rec, err := b.get(k[8:])
			if rec != nil {
				recs = append(recs, rec)
			}
			return len(recs) < limit, err
		})
	}, bucketList, bucketRecords))
	if err != nil {
		return nil, err
	}
	return recs, nil
}
