package boltstore

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// checkSessions checks that every record has each of its index entries
// and that the indexes hold nothing else.
func checkSessions(b sessions) error {
	var tokens, users, expiry int
	err := b.records.ForEach(func(id, v []byte) error {
		rec, err := decodeValue(v)
		if err != nil {
			return fmt.Errorf("record %s: %w", id, err)
		}
		seen := make(map[sessiond.Hash]bool)
		for _, h := range rec.Hashes() {
			if !bytes.Equal(b.tokens.Get(h[:]), id) {
				return fmt.Errorf("record %s: hash %x leads to %q, want the record", id, h[:4], b.tokens.Get(h[:]))
			}
			if !seen[h] {
				seen[h] = true
				tokens++
			}
		}
		if rec.UserID != "" {
			if b.byUser.Get(indexKey(rec.UserID, kindSession, id)) == nil {
				return fmt.Errorf("record %s: no entry for user %q", id, rec.UserID)
			}
			if b.list.Get(listKey(rec)) == nil {
				return fmt.Errorf("record %s: no list entry at %v", id, rec.AbsoluteExpiresAt)
			}
			users++
		}
		if b.expiry.Get(expiryKey(rec.ExpiresAt(), id)) == nil {
			return fmt.Errorf("record %s: no expiry entry at %v", id, rec.ExpiresAt())
		}
		expiry++
		return nil
	})
	if err != nil {
		return err
	}
	return wantKeys(map[string][2]int{
		"tokens":           {b.tokens.Stats().KeyN, tokens},
		"by_user sessions": {entries(b.byUser, kindSession), users},
		"expiry":           {b.expiry.Stats().KeyN, expiry},
		"list":             {b.list.Stats().KeyN, users},
	})
}

// checkAudit checks that every event has an index entry per non-empty
// field, that the indexes hold nothing else, and that the count is right.
func checkAudit(a audit) error {
	var n int
	want := make(map[string]int)
	err := a.events.ForEach(func(k, v []byte) error {
		e, err := decodeEvent(v)
		if err != nil {
			return fmt.Errorf("event %x: %w", k, err)
		}
		n++
		for i, ix := range a.indexes(e) {
			if ix.value == "" {
				continue
			}
			if ix.b.Get(ix.key(k)) == nil {
				return fmt.Errorf("event %s: no index entry for %q", e.ID, ix.value)
			}
			want[fmt.Sprint("index ", i)]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	counts := map[string][2]int{"event count": {a.count(), n}}
	for i, ix := range a.indexes(sessiond.Event{}) {
		name := fmt.Sprint("index ", i)
		counts[name] = [2]int{entries(ix.b, ix.kind), want[name]}
	}
	return wantKeys(counts)
}

// checkKinds checks that every key of b, bucketByUser, is a prefixed user
// id followed by one of the kinds.
func checkKinds(b *bolt.Bucket) error {
	return b.ForEach(func(k, _ []byte) error {
		n, ok := prefixLen(k)
		if !ok || len(k) == n || (k[n] != kindEvent[0] && k[n] != kindSession[0]) {
			return malformedKey(bucketByUser, k)
		}
		return nil
	})
}

// entries counts the keys of the index b whose kind, the byte after the
// prefixed value, is kind, or all of its keys when kind is nil.
func entries(b *bolt.Bucket, kind []byte) int {
	if kind == nil {
		return b.Stats().KeyN
	}
	var n int
	b.ForEach(func(k, _ []byte) error {
		if p, ok := prefixLen(k); ok && bytes.HasPrefix(k[p:], kind) {
			n++
		}
		return nil
	})
	return n
}

// wantKeys returns an error naming the first entry whose two numbers, got
// and want, differ.
func wantKeys(counts map[string][2]int) error {
	for name, c := range counts {
		if c[0] != c[1] {
			return fmt.Errorf("%s: got %d entries, want %d", name, c[0], c[1])
		}
	}
	return nil
}
