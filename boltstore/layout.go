package boltstore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// Buckets of the database. Session records and their four indexes:
var (
	bucketRecords = []byte("records") // id → header + Record.MarshalBinary
	bucketTokens  = []byte("tokens")  // token hash (current or retired) → id
	bucketUsers   = []byte("users")   // prefixed(user id) + id → nothing
	bucketExpiry  = []byte("expiry")  // ordered(ExpiresAt µs) + id → nothing
	bucketList    = []byte("list")    // ordered(AbsoluteExpiresAt µs) + id → nothing, users' records only
)

// Audit events and their three indexes, each keyed newest last:
var (
	bucketEvents    = []byte("events")            // eventKey → encoded event
	bucketEvUser    = []byte("events_by_user")    // prefixed(user id) + eventKey → nothing
	bucketEvSession = []byte("events_by_session") // prefixed(session id) + eventKey → nothing
	bucketEvType    = []byte("events_by_type")    // prefixed(type) + eventKey → nothing
)

// bucketMeta holds the layout version and the number of audit events.
var bucketMeta = []byte("meta")

// Keys of bucketMeta.
var (
	keyLayout     = []byte("layout")
	keyEventCount = []byte("event_count")
)

// layoutVersion names the layout this package reads and writes. Layout 1
// lacked bucketList, and New upgrades it.
var (
	layoutVersion = []byte("2")
	layout1       = []byte("1")
)

// sessionBucketNames are the buckets that DeleteAll empties.
var sessionBucketNames = [][]byte{bucketRecords, bucketTokens, bucketUsers, bucketExpiry, bucketList}

// allBucketNames are the buckets that New creates.
var allBucketNames = [][]byte{
	bucketMeta, bucketRecords, bucketTokens, bucketUsers, bucketExpiry, bucketList,
	bucketEvents, bucketEvUser, bucketEvSession, bucketEvType,
}

// empty is the value of index entries, whose key says everything.
var empty = []byte{}

// initLayout creates the buckets of a new database and checks the layout
// version of an existing one, upgrading layout 1: its records are indexed
// in bucketList, in the one transaction.
func initLayout(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBucketNames {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("creating bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keyLayout); {
		case bytes.Equal(v, layout1):
			if err := withSessions(indexList)(tx); err != nil {
				return fmt.Errorf("upgrading database layout %q: %w", v, err)
			}
		case v != nil && !bytes.Equal(v, layoutVersion):
			return fmt.Errorf("database layout %q, want %q", v, layoutVersion)
		}
		return meta.Put(keyLayout, layoutVersion)
	})
}

// indexList puts every record of a user in b.list.
func indexList(b sessions) error {
	return b.records.ForEach(func(id, v []byte) error {
		rec, err := decodeValue(v)
		if err != nil {
			return fmt.Errorf("record %q: %w", id, err)
		}
		if rec.UserID == "" {
			return nil
		}
		return b.list.Put(listKey(rec), empty)
	})
}

// bucket returns the bucket name of tx, or an error if the file lacks it
// (it was not made by New).
func bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	b := tx.Bucket(name)
	if b == nil {
		return nil, fmt.Errorf("bucket %s missing: not a boltstore database", name)
	}
	return b, nil
}

// putOrdered writes v into b[:8] so that the bytes sort as the numbers do,
// negative ones first.
func putOrdered(b []byte, v int64) {
	binary.BigEndian.PutUint64(b, uint64(v)^(1<<63))
}

// ordered reads what putOrdered wrote.
func ordered(b []byte) int64 {
	return int64(binary.BigEndian.Uint64(b) ^ (1 << 63))
}

// expiryKey is the key of the record id in bucketExpiry: its expiry in
// microseconds, so that the keys sort by expiry, then the id.
func expiryKey(at time.Time, id []byte) []byte {
	k := make([]byte, 8, 8+len(id))
	putOrdered(k, at.UnixMicro())
	return append(k, id...)
}

// listKey is the key of rec in bucketList: its absolute deadline in
// microseconds, then its id, so that the keys sort in the reverse of
// SessionLister's order.
func listKey(rec *sessiond.Record) []byte {
	return expiryKey(rec.AbsoluteExpiresAt, []byte(rec.ID))
}

// prefixed returns s behind its length as a uvarint, with room for n more
// bytes. Since a uvarint is self-delimiting, no prefixed string is a prefix
// of another's key: a scan of user "a" never reaches into user "a\x00b".
func prefixed(s string, n int) []byte {
	k := make([]byte, 0, binary.MaxVarintLen64+len(s)+n)
	k = binary.AppendUvarint(k, uint64(len(s)))
	return append(k, s...)
}

// userKey is the key of the record id in bucketUsers.
func userKey(userID string, id []byte) []byte {
	return append(prefixed(userID, len(id)), id...)
}

// backwards calls visit with the rest of each key of c's bucket that
// starts with prefix, last to first, while visit returns true: from the
// key before prefix + before or, with before nil, from the last key with
// the prefix. The rest of a key is an event key or a list key, whose
// first 8 bytes are never all 0xff.
func backwards(c *bolt.Cursor, prefix, before []byte, visit func(rest []byte) (bool, error)) error {
	if before == nil {
		before = bytes.Repeat([]byte{0xff}, eventKeyLen+1) // past every such rest
	}
	k, _ := c.Seek(append(bytes.Clone(prefix), before...))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		if more, err := visit(k[len(prefix):]); err != nil || !more {
			return err
		}
	}
	return nil
}
