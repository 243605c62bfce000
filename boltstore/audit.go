package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// audit is the event bucket, its indexes and the meta bucket, which
// counts the events, in one transaction.
type audit struct {
	events, byUser, bySession, byType, meta *bolt.Bucket
}

// auditOf returns the audit buckets of tx.
func auditOf(tx *bolt.Tx) (audit, error) {
	var a audit
	for _, b := range []struct {
		dst  **bolt.Bucket
		name []byte
	}{
		{&a.events, bucketEvents}, {&a.byUser, bucketByUser}, {&a.bySession, bucketEvSession},
		{&a.byType, bucketEvType}, {&a.meta, bucketMeta},
	} {
		var err error
		if *b.dst, err = bucket(tx, b.name); err != nil {
			return audit{}, err
		}
	}
	return a, nil
}

// withAudit adapts fn to a transaction.
func withAudit(fn func(a audit) error) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		a, err := auditOf(tx)
		if err != nil {
			return err
		}
		return fn(a)
	}
}

// AppendEvent keeps e, in a batched write like the session writes. Events
// past [Config.AuditRetention] or beyond [Config.AuditMaxEvents] are
// removed by the sweeper.
func (s *Store) AppendEvent(_ context.Context, e sessiond.Event) error {
	val := encodeEvent(e)
	return s.write("append event", withAudit(func(a audit) error {
		return a.add(e, val)
	}))
}

// QueryEvents returns the kept events q selects, newest first. It reads
// one index from its newest entry backwards, that of the session when q
// names one, else that of the user, else that of the type (or the events
// themselves when q selects all), and stops at the limit.
func (s *Store) QueryEvents(ctx context.Context, q sessiond.EventQuery) ([]sessiond.Event, error) {
	events, _, err := s.QueryEventPage(ctx, q, "")
	return events, err
}

// QueryEventPage is QueryEvents from the place of cursor on: it reads the
// index from the entry before the last event of the page before, so that
// a page costs what the first does. The cursor of a full page is the key
// of its last event in hexadecimal.
func (s *Store) QueryEventPage(_ context.Context, q sessiond.EventQuery, cursor string) ([]sessiond.Event, string, error) {
	var before []byte
	if cursor != "" {
		k, err := hex.DecodeString(cursor)
		if err != nil || len(k) != eventKeyLen {
			return nil, "", fmt.Errorf("boltstore: query events: %w", sessiond.ErrBadCursor)
		}
		before = k
	}
	var out []sessiond.Event
	var last []byte
	err := s.read("query events", withAudit(func(a audit) (err error) {
		out, last, err = a.query(q, before)
		return err
	}))
	if err != nil || len(out) < q.Max() {
		return out, "", err
	}
	return out, hex.EncodeToString(last), nil
}

// index is one index bucket of events, the value of its field and the
// kind of its entries: kindEvent in bucketByUser, none in the others.
type index struct {
	b     *bolt.Bucket
	value string
	kind  []byte
}

// indexes returns the index entries of e.
func (a audit) indexes(e sessiond.Event) [3]index {
	return [3]index{{a.bySession, e.SessionID, nil}, {a.byUser, e.UserID, kindEvent}, {a.byType, string(e.Type), nil}}
}

// key is the key in ix of the event k, or with k nil the prefix of the
// keys of ix's value.
func (ix index) key(k []byte) []byte {
	return indexKey(ix.value, ix.kind, k)
}

// add stores e, encoded as val, and indexes it by every non-empty field.
func (a audit) add(e sessiond.Event, val []byte) error {
	seq, err := a.events.NextSequence()
	if err != nil {
		return err
	}
	k := eventKey(e.Time, seq)
	if err := a.events.Put(k, val); err != nil {
		return err
	}
	for _, ix := range a.indexes(e) {
		if ix.value == "" {
			continue
		}
		if err := ix.b.Put(ix.key(k), empty); err != nil {
			return err
		}
	}
	return a.addCount(1)
}

// remove deletes the event k and its index entries. An event that cannot
// be decoded loses only its own entry: its index entries then lead
// nowhere, which queries pass over.
func (a audit) remove(k []byte) error {
	if e, err := decodeEvent(a.events.Get(k)); err == nil {
		for _, ix := range a.indexes(e) {
			if err := ix.b.Delete(ix.key(k)); err != nil {
				return err
			}
		}
	}
	return a.events.Delete(k)
}

// count is how many events there are.
func (a audit) count() int {
	v := a.meta.Get(keyEventCount)
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

// addCount adds n, which may be negative, to the count of events.
func (a audit) addCount(n int) error {
	v := make([]byte, 8)
	binary.BigEndian.PutUint64(v, uint64(max(a.count()+n, 0)))
	return a.meta.Put(keyEventCount, v)
}

// query returns the events q selects, newest first, from the most
// selective index q allows, starting before the event key before (nil:
// at the newest), and the key of the last event of a full page.
func (a audit) query(q sessiond.EventQuery, before []byte) (out []sessiond.Event, last []byte, err error) {
	visit := func(k []byte) (bool, error) {
		v := a.events.Get(k)
		if v == nil {
			return true, nil // an index entry of an undecodable event, removed
		}
		e, err := decodeEvent(v)
		if err != nil {
			return false, err
		}
		if q.Match(e) {
			out = append(out, e)
		}
		if len(out) < q.Max() {
			return true, nil
		}
		last = bytes.Clone(k) // k is the transaction's
		return false, nil
	}
	for _, ix := range a.indexes(sessiond.Event{SessionID: q.SessionID, UserID: q.UserID, Type: q.Type}) {
		if ix.value != "" {
			return out, last, backwards(ix.b.Cursor(), ix.key(nil), before, visit)
		}
	}
	return out, last, backwards(a.events.Cursor(), nil, before, visit)
}
