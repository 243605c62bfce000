package boltstore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets of the database. Session records and their three indexes:
var (
	bucketRecords = []byte("records") // id → header + Record.MarshalBinary
	bucketTokens  = []byte("tokens")  // token hash (current or retired) → id
	bucketUsers   = []byte("users")   // prefixed(user id) + id → nothing
	bucketExpiry  = []byte("expiry")  // ordered(ExpiresAt µs) + id → nothing
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

// layoutVersion names the layout this package reads and writes.
var layoutVersion = []byte("1")

// sessionBucketNames are the buckets that DeleteAll empties.
var sessionBucketNames = [][]byte{bucketRecords, bucketTokens, bucketUsers, bucketExpiry}

// allBucketNames are the buckets that New creates.
var allBucketNames = [][]byte{
	bucketMeta, bucketRecords, bucketTokens, bucketUsers, bucketExpiry,
	bucketEvents, bucketEvUser, bucketEvSession, bucketEvType,
}

// empty is the value of index entries, whose key says everything.
var empty = []byte{}

// initLayout creates the buckets of a new database and checks the layout
// version of an existing one.
func initLayout(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBucketNames {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("creating bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keyLayout); v != nil && !bytes.Equal(v, layoutVersion) {
			return fmt.Errorf("database layout %q, want %q", v, layoutVersion)
		}
		return meta.Put(keyLayout, layoutVersion)
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
