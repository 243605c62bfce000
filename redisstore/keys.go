package redisstore

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
)

// keys names the store's keys. Every key holds one thing and no command
// needs two keys in one slot, so none carries a hash tag: the CRC16 of the
// whole name spreads them over a Cluster's masters.
type keys struct{ prefix string }

// token is the key of a token hash: the record's home if h is its
// current hash, a link to it otherwise.
func (k keys) token(h string) string { return k.prefix + "t:" + h }

// tokenOf is token(hashName(h)), made in one allocation for the read path.
func (k keys) tokenOf(h sessiond.Hash) string {
	var b strings.Builder
	b.Grow(len(k.prefix) + 2 + hex.EncodedLen(len(h)))
	b.WriteString(k.prefix)
	b.WriteString("t:")
	var name [2 * len(sessiond.Hash{})]byte
	hex.Encode(name[:], h[:])
	b.Write(name[:])
	return b.String()
}

// hashOf returns the hash name in a token key.
func (k keys) hashOf(key string) string { return key[len(k.prefix)+len("t:"):] }

// id is the key that leads from a record's id to its home.
func (k keys) id(id string) string { return k.prefix + "i:" + id }

// user is the set of the ids of one user's records.
func (k keys) user(userID string) string { return k.prefix + "u:" + userID }

// audit is the stream of audit events.
func (k keys) audit() string { return k.prefix + "audit" }

// list is the sorted set of the records of users, for ListAll: each
// member is listMember of a record, every score 0, so that the set sorts
// by member.
func (k keys) list() string { return k.prefix + "list" }

// listMember is the member of the record id in the list: its absolute
// deadline in Unix microseconds as 16 hex digits (0 before 1970), then
// the id, so that members sort as ListAll lists them, backwards.
func listMember(abs time.Time, id string) string {
	return fmt.Sprintf("%016x", max(abs.UnixMicro(), 0)) + id
}

// idValue is what the id key of a record whose home is the key of h
// holds: the 32 bytes of h.
func idValue(h sessiond.Hash) string { return string(h[:]) }

// homeOf is the hash name of the home that v, an id key's value, names:
// v holds the hash's 32 bytes or, written by releases before this one,
// its 64 hex digits.
func homeOf(v string) string {
	if len(v) == len(sessiond.Hash{}) {
		return hex.EncodeToString([]byte(v))
	}
	return v
}

// hashName is how a token hash appears in key names and links.
func hashName(h sessiond.Hash) string { return hex.EncodeToString(h[:]) }

// parseMicros reads a time in Unix microseconds, 0 for the zero time, in
// UTC.
func parseMicros(s string) (time.Time, bool) {
	us, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	if us == 0 {
		return time.Time{}, true
	}
	return time.UnixMicro(us).UTC(), true
}

// unixMillis is the Unix millisecond at or after t, for PEXPIREAT:
// rounding up, a key never expires before its deadline.
func unixMillis(t time.Time) int64 {
	ms := t.UnixMilli()
	if t.After(time.UnixMilli(ms)) {
		ms++
	}
	return ms
}

// expiry is unixMillis(t) as an expiry time: at least 1, the earliest
// Redis takes (a time passed deletes the key at once).
func expiry(t time.Time) int64 { return max(unixMillis(t), 1) }

// millis formats expiry(t), for the scripts.
func millis(t time.Time) string { return strconv.FormatInt(expiry(t), 10) }
