package boltstore

import (
	"bytes"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// sessions is the record bucket and its indexes in one transaction. The
// methods that write keep the five in step: every record has exactly one
// entry in bucketExpiry, one in bucketTokens per hash and, unless
// anonymous, one of kindSession in bucketByUser and one in bucketList.
type sessions struct {
	records, tokens, byUser, expiry, list *bolt.Bucket
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
		case bytes.Equal(name, bucketByUser):
			s.byUser = b
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
	if err := s.enlist(rec); err != nil {
		return err
	}
	return s.expiry.Put(expiryKey(rec.ExpiresAt(), id), empty)
}

// replace stores rec, encoded as val, in place of old, the stored record
// of the same id, and changes only the index entries that differ: a data
// write, which keeps the hashes, user and deadlines, rewrites the record
// and moves its expiry entry, and leaves the other buckets' pages alone,
// so that the commit writes fewer of them.
func (s sessions) replace(old, rec *sessiond.Record, hs []sessiond.Hash, val []byte) error {
	id := []byte(rec.ID)
	if err := s.records.Put(id, val); err != nil {
		return err
	}
	if err := s.reindexTokens(id, old.Hashes(), hs); err != nil {
		return err
	}
	if old.UserID != rec.UserID || !old.AbsoluteExpiresAt.Equal(rec.AbsoluteExpiresAt) {
		if err := s.unlist(old); err != nil {
			return err
		}
		if err := s.enlist(rec); err != nil {
			return err
		}
	}
	return s.moveExpiry(id, old.ExpiresAt(), rec.ExpiresAt())
}

// reindexTokens makes the token hashes of id lead from was to now.
func (s sessions) reindexTokens(id []byte, was, now []sessiond.Hash) error {
	for _, h := range was {
		if !slices.Contains(now, h) {
			if err := s.tokens.Delete(h[:]); err != nil {
				return err
			}
		}
	}
	for _, h := range now {
		if !slices.Contains(was, h) {
			if err := s.tokens.Put(h[:], id); err != nil {
				return err
			}
		}
	}
	return nil
}

// enlist adds rec to the per-user index and the list, unless anonymous.
func (s sessions) enlist(rec *sessiond.Record) error {
	if rec.UserID == "" {
		return nil
	}
	if err := s.byUser.Put(indexKey(rec.UserID, kindSession, []byte(rec.ID)), empty); err != nil {
		return err
	}
	return s.list.Put(listKey(rec), empty)
}

// unlist removes what enlist added for rec.
func (s sessions) unlist(rec *sessiond.Record) error {
	if rec.UserID == "" {
		return nil
	}
	if err := s.byUser.Delete(indexKey(rec.UserID, kindSession, []byte(rec.ID))); err != nil {
		return err
	}
	return s.list.Delete(listKey(rec))
}

// remove deletes rec, as stored, and every index entry that put made.
func (s sessions) remove(rec *sessiond.Record) error {
	id := []byte(rec.ID)
	for _, h := range rec.Hashes() {
		if err := s.tokens.Delete(h[:]); err != nil {
			return err
		}
	}
	if err := s.unlist(rec); err != nil {
		return err
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
