package boltstore

import (
	"bytes"
	"fmt"

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
			if b.users.Get(userKey(rec.UserID, id)) == nil {
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
		"tokens": {b.tokens.Stats().KeyN, tokens},
		"users":  {b.users.Stats().KeyN, users},
		"expiry": {b.expiry.Stats().KeyN, expiry},
		"list":   {b.list.Stats().KeyN, users},
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
			if ix.b.Get(eventIndexKey(ix.value, k)) == nil {
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
		counts[name] = [2]int{ix.b.Stats().KeyN, want[name]}
	}
	return wantKeys(counts)
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
