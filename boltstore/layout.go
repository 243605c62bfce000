package boltstore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// Buckets of the database. Session records and their indexes:
var (
	bucketRecords = []byte("records") // id → header + Record.MarshalBinary
	bucketTokens  = []byte("tokens")  // token hash (current or retired) → id
	bucketExpiry  = []byte("expiry")  // ordered(ExpiresAt µs) + id → nothing
	bucketList    = []byte("list")    // ordered(AbsoluteExpiresAt µs) + id → nothing, users' records only
)

// Audit events and their indexes, each keyed newest last:
var (
	bucketEvents    = []byte("events")            // eventKey → encoded event
	bucketEvSession = []byte("events_by_session") // prefixed(session id) + eventKey → nothing
	bucketEvType    = []byte("events_by_type")    // prefixed(type) + eventKey → nothing
)

// bucketByUser indexes both the records and the events of each user:
// prefixed(user id) + kindEvent + eventKey, or + kindSession + id → nothing.
// A login adds one of each for its user, next to each other: the newest
// event ends the user's events, which the user's few sessions follow, so
// that the two usually fall on one leaf, which the commit writes once.
var bucketByUser = []byte("by_user")

// Kinds of the entries of bucketByUser, the byte after the user id. Events
// sort before sessions.
var (
	kindEvent   = []byte{0x01}
	kindSession = []byte{0x02}
)

// bucketMeta holds the layout version and the number of audit events.
var bucketMeta = []byte("meta")

// Keys of bucketMeta.
var (
	keyLayout     = []byte("layout")
	keyEventCount = []byte("event_count")
)

// layoutVersion names the layout this package reads and writes.
// layoutUpgrading marks a file whose upgrade to it is under way, which
// older releases refuse as an unknown layout.
var (
	layoutVersion   = []byte("3")
	layoutUpgrading = []byte("upgrading to 3")
)

// Older layouts, which New upgrades. Layout 1 lacked bucketList. Layout 2
// kept bucketByUser's entries in two buckets: layout2Users held
// prefixed(user id) + id, layout2EvUser prefixed(user id) + eventKey.
var (
	layout1       = []byte("1")
	layout2       = []byte("2")
	layout2Users  = []byte("users")
	layout2EvUser = []byte("events_by_user")
)

// sessionBucketNames are the buckets of records and their indexes. All but
// bucketByUser hold nothing else.
var sessionBucketNames = [][]byte{bucketRecords, bucketTokens, bucketByUser, bucketExpiry, bucketList}

// allBucketNames are the buckets that New creates.
var allBucketNames = [][]byte{
	bucketMeta, bucketRecords, bucketTokens, bucketByUser, bucketExpiry, bucketList,
	bucketEvents, bucketEvSession, bucketEvType,
}

// empty is the value of index entries, whose key says everything.
var empty = []byte{}

// upgradeChunk bounds the entries of each layout-2 bucket that one
// transaction of an upgrade moves.
var upgradeChunk = 10_000

// initLayout creates the buckets of a new database and checks the layout
// version of an existing one, upgrading an older one: see upgrade.
func initLayout(db *bolt.DB) error {
	upgrading, err := beginUpgrade(db)
	if err != nil || !upgrading {
		return err
	}
	if err := upgrade(db, upgradeChunk); err != nil {
		return fmt.Errorf("upgrading to database layout %q: %w", layoutVersion, err)
	}
	return nil
}

// beginUpgrade creates the buckets that are missing, and reports whether
// the file needs the upgrade from layout 2. A new file gets
// layoutVersion. A file of layout 1 has its records indexed in bucketList,
// in this one transaction, which makes it one of layout 2. A file of
// layout 2 is marked layoutUpgrading.
func beginUpgrade(db *bolt.DB) (upgrading bool, err error) {
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBucketNames {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("creating bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keyLayout); {
		case v == nil:
			return meta.Put(keyLayout, layoutVersion)
		case bytes.Equal(v, layout1):
			if err := withSessions(indexList, bucketRecords, bucketList)(tx); err != nil {
				return fmt.Errorf("upgrading database layout %q: %w", v, err)
			}
			fallthrough
		case bytes.Equal(v, layout2):
			upgrading = true
			return meta.Put(keyLayout, layoutUpgrading)
		case bytes.Equal(v, layoutUpgrading):
			upgrading = true
		case !bytes.Equal(v, layoutVersion):
			return fmt.Errorf("database layout %q, want %q", v, layoutVersion)
		}
		return nil
	})
	return upgrading, err
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

// upgrade moves the entries of the layout-2 buckets into bucketByUser, in
// transactions that move at most n entries of each, then deletes those
// buckets and sets the layout version, in one more. Each transaction
// moves an entry whole, adding the new key and deleting the old one, so
// that a file whose upgrade was cut short holds each entry in one place,
// and the next New goes on from there; until the last commit the file
// stays marked layoutUpgrading.
func upgrade(db *bolt.DB, n int) error {
	for more := true; more; {
		var err error
		if more, err = moveChunk(db, n); err != nil {
			return err
		}
	}
	return db.Update(finishUpgrade)
}

// moveChunk moves up to n of the first entries of each layout-2 bucket
// into bucketByUser, in one transaction, and reports whether any may be
// left.
func moveChunk(db *bolt.DB, n int) (more bool, err error) {
	err = db.Update(func(tx *bolt.Tx) error {
		byUser, err := bucket(tx, bucketByUser)
		if err != nil {
			return err
		}
		for _, old := range []struct {
			name, kind []byte
		}{{layout2Users, kindSession}, {layout2EvUser, kindEvent}} {
			b, err := bucket(tx, old.name)
			if err != nil {
				return err
			}
			keys := firstKeys(b, n, nil)
			more = more || len(keys) == n
			for _, k := range keys {
				p, ok := prefixLen(k)
				if !ok {
					return malformedKey(old.name, k)
				}
				if err := byUser.Put(slices.Concat(k[:p], old.kind, k[p:]), empty); err != nil {
					return err
				}
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return more, err
}

// firstKeys returns copies of the first keys of b, at most n, that sort
// before the key before, or with before nil of the first n keys.
func firstKeys(b *bolt.Bucket, n int, before []byte) [][]byte {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < n && (before == nil || bytes.Compare(k, before) < 0); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	return keys
}

// finishUpgrade deletes the layout-2 buckets, which upgrade emptied, and
// sets the layout version.
func finishUpgrade(tx *bolt.Tx) error {
	for _, name := range [][]byte{layout2Users, layout2EvUser} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keyLayout, layoutVersion)
}

// bucket returns the bucket name of tx, or an error if the file lacks it
// (it was not made by New).
func bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	b := tx.Bucket(name)
	if b == nil {
		return nil, fmt.Errorf("bucket %s missing: not a boltstore database", name)
	}
	if tx.Writable() && appended(name) {
		b.FillPercent = appendedFill
	}
	return b, nil
}

// appendedFill is how full a commit leaves the pages it splits in the
// buckets that get their new keys at the end (appended): bbolt's default,
// half, suits keys that come anywhere, and leaves half of every page of an
// appended bucket empty, to be split again twice as soon.
const appendedFill = 0.9

// appended reports whether the bucket name gets its new keys at its end,
// or at the end of one of a few ranges, as keys that begin with a time do:
// records, expiry, list and events by their key, events_by_type at the end
// of each type's range. tokens and by_user get theirs anywhere, and
// events_by_session as often in an older session's range as at the end.
func appended(name []byte) bool {
	for _, a := range [][]byte{bucketRecords, bucketExpiry, bucketList, bucketEvents, bucketEvType} {
		if bytes.Equal(name, a) {
			return true
		}
	}
	return false
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

// prefixLen returns the length of the prefixed string that k begins
// with, and false if k does not begin with one.
func prefixLen(k []byte) (int, bool) {
	n, w := binary.Uvarint(k)
	if w <= 0 || n > uint64(len(k)-w) {
		return 0, false
	}
	return w + int(n), true
}

// malformedKey is the error for a key of the bucket name that does not
// begin as this package's keys of that bucket do.
func malformedKey(name, k []byte) error {
	return fmt.Errorf("malformed key %x in bucket %s", k, name)
}

// indexKey is the key of an index entry: prefixed(value), then kind (one
// of bucketByUser's, or none), then rest.
func indexKey(value string, kind, rest []byte) []byte {
	k := prefixed(value, len(kind)+len(rest))
	return append(append(k, kind...), rest...)
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
