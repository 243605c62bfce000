package boltstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// The writes below are batched (see Store.write): each returns once its
// change is committed and synced to disk. Their functions decide
// everything inside the transaction, so that a rerun gives the same
// answer, and report a conflict through a variable, not an error. The
// context is not consulted.

// Create stores rec. It returns [sessiond.ErrConflict] if a record with
// the same ID exists, or if any of rec's token hashes, current or retired,
// leads to another record.
func (s *Store) Create(ctx context.Context, rec *sessiond.Record) error {
	return s.CreateWithEvents(ctx, rec, nil)
}

// CreateWithEvents is Create and, once the record is stored, AppendEvent
// of each event, in one transaction of one group commit: the record and
// its events are kept together or not at all.
func (s *Store) CreateWithEvents(_ context.Context, rec *sessiond.Record, events []sessiond.Event) error {
	val, err := encodeValue(rec)
	if err != nil {
		return err
	}
	vals := make([][]byte, len(events))
	for i, e := range events {
		vals[i] = encodeEvent(e)
	}
	hs, id := rec.Hashes(), []byte(rec.ID)
	var conflict bool
	err = s.write("create", func(tx *bolt.Tx) error {
		b, err := sessionsOf(tx)
		if err != nil {
			return err
		}
		conflict = b.records.Get(id) != nil || !b.hashesFree(id, hs)
		if conflict {
			return nil
		}
		if err := b.put(rec, hs, val); err != nil || len(events) == 0 {
			return err
		}
		a, err := auditOf(tx)
		for i := 0; err == nil && i < len(events); i++ {
			err = a.add(events[i], vals[i])
		}
		return err
	})
	return outcome(err, conflict)
}

// Update replaces the stored record with rec if the stored version is
// version, and re-indexes what changed of its token hashes, user and
// expiry. It returns
// [sessiond.ErrConflict] if the record is missing, its version differs,
// or one of rec's hashes leads to another record.
func (s *Store) Update(_ context.Context, rec *sessiond.Record, version int64) error {
	val, err := encodeValue(rec)
	if err != nil {
		return err
	}
	hs, id := rec.Hashes(), []byte(rec.ID)
	var conflict bool
	err = s.write("update", withSessions(func(b sessions) error {
		old, err := b.get(id)
		if err != nil {
			return err
		}
		conflict = old == nil || old.Version != version || !b.hashesFree(id, hs)
		if conflict {
			return nil
		}
		return b.replace(old, rec, hs, val)
	}))
	return outcome(err, conflict)
}

// outcome is the result of a write that may have found a conflict.
func outcome(err error, conflict bool) error {
	if err == nil && conflict {
		return sessiond.ErrConflict
	}
	return err
}

// Touch moves the LastSeenAt and IdleExpiresAt of the record id forward to
// lastSeen and idleExpires, each only if it is later, by patching the
// record's header: the payload is neither decoded nor re-encoded. A
// missing record, or one that has expired by the store's clock, is left
// alone and is not an error: a late touch must not bring back a session
// that is over.
func (s *Store) Touch(_ context.Context, id string, lastSeen, idleExpires time.Time) error {
	now, key := s.now(), []byte(id)
	return s.write("touch", withSessions(func(b sessions) error {
		return b.touch(key, now, lastSeen, idleExpires)
	}))
}

// Delete removes the record id and its index entries. A missing record is
// not an error.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.DeleteMany(ctx, []string{id})
}

// DeleteMany removes the records ids and their index entries in one
// transaction, one commit: what Delete does for each.
func (s *Store) DeleteMany(_ context.Context, ids []string) error {
	return s.write("delete", withSessions(func(b sessions) error {
		for _, id := range ids {
			rec, err := b.get([]byte(id))
			if err == nil && rec != nil {
				err = b.remove(rec)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}))
}

// DeleteAll removes every record and reports how many there were. It
// calls no expiry callback and keeps the audit events. It runs alone, not
// batched: it rewrites the session buckets whole, but for bucketByUser,
// whose entries of kindSession it deletes one by one.
func (s *Store) DeleteAll(_ context.Context) (int, error) {
	var n int
	err := s.db.Update(func(tx *bolt.Tx) error {
		records, err := bucket(tx, bucketRecords)
		if err != nil {
			return err
		}
		n = records.Stats().KeyN
		for _, name := range sessionBucketNames {
			if bytes.Equal(name, bucketByUser) {
				err = deleteSessionEntries(tx.Bucket(name))
			} else if err = tx.DeleteBucket(name); err == nil {
				_, err = tx.CreateBucket(name)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: delete all: %w", err)
	}
	return n, nil
}

// deleteSessionEntries deletes the entries of kindSession from b,
// bucketByUser, and keeps those of events. It seeks each user's sessions,
// which end the user's entries, so that it reads no events but the first
// of each user.
func deleteSessionEntries(b *bolt.Bucket) error {
	c := b.Cursor()
	for k, _ := c.First(); k != nil; {
		n, ok := prefixLen(k)
		if !ok {
			return malformedKey(bucketByUser, k)
		}
		sessions := slices.Concat(k[:n], kindSession)
		for k, _ = c.Seek(sessions); k != nil && bytes.HasPrefix(k, sessions); k, _ = c.Seek(sessions) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		if k != nil && bytes.HasPrefix(k, sessions[:n]) {
			return malformedKey(bucketByUser, k) // of a kind after the last
		}
	}
	return nil
}
