package boltstore

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// sessions is the record bucket and its indexes in one transaction. The
// methods that write keep the five in step: every record has exactly one
// entry in bucketExpiry, one in bucketTokens per hash and, unless
// anonymous, one in bucketUsers and one in bucketList.
type sessions struct {
	records, tokens, users, expiry, list *bolt.Bucket
}

// sessionsOf returns the named session buckets of tx, or all five when
// none is named. Opening a bucket costs a few allocations, so that reads
// open only those they use; the others stay nil.
func sessionsOf(tx *bolt.Tx, names ...[]byte) (sessions, error) {
	if len(names) == 0 {
		names = sessionBucketNames
	}
	var s sessions
	for _, name := range names {
		b, err := bucket(tx, name)
		if err != nil {
			return sessions{}, err
		}
		switch {
		case bytes.Equal(name, bucketRecords):
			s.records = b
		case bytes.Equal(name, bucketTokens):
			s.tokens = b
		case bytes.Equal(name, bucketUsers):
			s.users = b
		case bytes.Equal(name, bucketList):
			s.list = b
		default:
			s.expiry = b
		}
	}
	return s, nil
}

// get returns the record id, or nil if there is none.
func (s sessions) get(id []byte) (*sessiond.Record, error) {
	v := s.records.Get(id)
	if v == nil {
		return nil, nil
	}
	return decodeValue(v)
}

// hashesFree reports whether none of hs leads to a record other than id.
func (s sessions) hashesFree(id []byte, hs []sessiond.Hash) bool {
	for i := range hs {
		if owner := s.tokens.Get(hs[i][:]); owner != nil && !bytes.Equal(owner, id) {
			return false
		}
	}
	return true
}

// put stores rec, encoded as val, and indexes it.
func (s sessions) put(rec *sessiond.Record, hs []sessiond.Hash, val []byte) error {
	id := []byte(rec.ID)
	if err := s.records.Put(id, val); err != nil {
		return err
	}
	for i := range hs {
		if err := s.tokens.Put(hs[i][:], id); err != nil {
			return err
		}
	}
	if rec.UserID != "" {
		if err := s.users.Put(userKey(rec.UserID, id), empty); err != nil {
			return err
		}
		if err := s.list.Put(listKey(rec), empty); err != nil {
			return err
		}
	}
	return s.expiry.Put(expiryKey(rec.ExpiresAt(), id), empty)
}

// remove deletes rec, as stored, and every index entry that put made.
func (s sessions) remove(rec *sessiond.Record) error {
	id := []byte(rec.ID)
	for _, h := range rec.Hashes() {
		if err := s.tokens.Delete(h[:]); err != nil {
			return err
		}
	}
	if rec.UserID != "" {
		if err := s.users.Delete(userKey(rec.UserID, id)); err != nil {
			return err
		}
		if err := s.list.Delete(listKey(rec)); err != nil {
			return err
		}
	}
	if err := s.expiry.Delete(expiryKey(rec.ExpiresAt(), id)); err != nil {
		return err
	}
	return s.records.Delete(id)
}

// touch moves the record id's LastSeenAt and IdleExpiresAt forward, and its
// expiry entry with them, unless the record is missing or expired at now.
func (s sessions) touch(id []byte, now, lastSeen, idleExpires time.Time) error {
	v := s.records.Get(id)
	if v == nil {
		return nil
	}
	h, err := readHeader(v)
	if err != nil {
		return err
	}
	if !now.Before(h.expiresAt()) {
		return nil // a late touch must not bring back a session that is over
	}
	next, changed := h.touched(lastSeen, idleExpires)
	if !changed {
		return nil
	}
	if err := s.records.Put(id, patchedValue(v, next)); err != nil {
		return err
	}
	return s.moveExpiry(id, h.expiresAt(), next.expiresAt())
}

// moveExpiry moves the expiry entry of id from one time to another.
func (s sessions) moveExpiry(id []byte, from, to time.Time) error {
	if from.Equal(to) {
		return nil
	}
	if err := s.expiry.Delete(expiryKey(from, id)); err != nil {
		return err
	}
	return s.expiry.Put(expiryKey(to, id), empty)
}
