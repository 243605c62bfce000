package boltstore

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/sessiond/sessiond"
)

// A record's value in bucketRecords is a header followed by
// Record.MarshalBinary. The header holds the times that Touch moves and
// the one that bounds them, so that a touch patches 16 bytes instead of
// decoding and re-encoding the record; where the header and the encoded
// record differ, the header is right.
//
//	[0]     valueFormat
//	[1:9]   LastSeenAt, µs since the epoch (0 for the zero time)
//	[9:17]  IdleExpiresAt, likewise
//	[17:25] AbsoluteExpiresAt, likewise
//	[25:]   Record.MarshalBinary
const (
	valueFormat = 1
	headerLen   = 1 + 3*8
)

// header is the decoded header of a stored record.
type header struct {
	lastSeen, idleExpires, absoluteExpires time.Time
}

// expiresAt is when the record expires, by the rule of Record.ExpiresAt.
func (h header) expiresAt() time.Time {
	r := sessiond.Record{IdleExpiresAt: h.idleExpires, AbsoluteExpiresAt: h.absoluteExpires}
	return r.ExpiresAt()
}

// touched returns h with lastSeen and idleExpires moved forward to the
// given times, each only if it is later, and whether anything changed.
func (h header) touched(lastSeen, idleExpires time.Time) (header, bool) {
	next := h
	if t := microTime(micros(lastSeen)); t.After(h.lastSeen) {
		next.lastSeen = t
	}
	if t := microTime(micros(idleExpires)); t.After(h.idleExpires) {
		next.idleExpires = t
	}
	return next, !next.lastSeen.Equal(h.lastSeen) || !next.idleExpires.Equal(h.idleExpires)
}

// put writes h into the header of v.
func (h header) put(v []byte) {
	v[0] = valueFormat
	binary.BigEndian.PutUint64(v[1:9], uint64(micros(h.lastSeen)))
	binary.BigEndian.PutUint64(v[9:17], uint64(micros(h.idleExpires)))
	binary.BigEndian.PutUint64(v[17:25], uint64(micros(h.absoluteExpires)))
}

// errMalformed is returned for a stored record that cannot be decoded.
var errMalformed = fmt.Errorf("stored record: %w", sessiond.ErrBadRecord)

// readHeader decodes the header of v.
func readHeader(v []byte) (header, error) {
	if len(v) < headerLen || v[0] != valueFormat {
		return header{}, errMalformed
	}
	return header{
		lastSeen:        microTime(int64(binary.BigEndian.Uint64(v[1:9]))),
		idleExpires:     microTime(int64(binary.BigEndian.Uint64(v[9:17]))),
		absoluteExpires: microTime(int64(binary.BigEndian.Uint64(v[17:25]))),
	}, nil
}

// encodeValue returns the stored form of rec.
func encodeValue(rec *sessiond.Record) ([]byte, error) {
	body, err := rec.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("boltstore: encoding record: %w", err)
	}
	v := make([]byte, headerLen, headerLen+len(body))
	header{rec.LastSeenAt, rec.IdleExpiresAt, rec.AbsoluteExpiresAt}.put(v)
	return append(v, body...), nil
}

// decodeValue returns the record stored as v, a new one that shares no
// memory with v (which bbolt owns).
func decodeValue(v []byte) (*sessiond.Record, error) {
	h, err := readHeader(v)
	if err != nil {
		return nil, err
	}
	rec := new(sessiond.Record)
	if err := rec.UnmarshalBinary(v[headerLen:]); err != nil {
		return nil, errMalformed
	}
	rec.LastSeenAt, rec.IdleExpiresAt = h.lastSeen, h.idleExpires
	return rec, nil
}

// patchedValue returns a copy of v with header h: bbolt's values are
// read-only, and Put keeps the slice it is given until the commit.
func patchedValue(v []byte, h header) []byte {
	c := slices.Clone(v)
	h.put(c)
	return c
}

// micros is t in microseconds since the epoch, 0 for the zero time, as
// Record.MarshalBinary encodes times.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// microTime decodes what micros encoded, in UTC.
func microTime(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
