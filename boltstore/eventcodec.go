package boltstore

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/sessiond/sessiond"
)

// eventFormat is the first byte of an encoded event. Format 1, written
// before events had an actor, lacks the last field; it is still read, with
// an empty actor.
const eventFormat = 2

// eventFields is how many length-prefixed fields an encoded event has.
const eventFields = 9

// errBadEvent is returned for a stored event that cannot be decoded.
var errBadEvent = errors.New("malformed audit event")

// encodeEvent encodes e: the format byte, then the time
// (time.Time.MarshalBinary, in UTC) and every string field, each behind
// its length as a uvarint.
func encodeEvent(e sessiond.Event) []byte {
	t, _ := e.Time.UTC().MarshalBinary() // fails only for odd zone offsets, and UTC has none
	fields := [eventFields]string{string(t), e.ID, string(e.Type), e.UserID, e.SessionID, e.IP, e.UserAgent, e.Reason, e.Actor}
	n := 1
	for _, f := range fields {
		n += binary.MaxVarintLen64 + len(f)
	}
	b := make([]byte, 0, n)
	b = append(b, eventFormat)
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// decodeEvent decodes what encodeEvent encoded, in this format or format
// 1. The strings it returns share no memory with b (which bbolt owns).
func decodeEvent(b []byte) (sessiond.Event, error) {
	if len(b) == 0 || (b[0] != eventFormat && b[0] != 1) {
		return sessiond.Event{}, errBadEvent
	}
	s := string(b) // one copy, whose substrings cost nothing
	var fields [eventFields]string
	n := eventFields
	if b[0] == 1 {
		n-- // no actor
	}
	pos := 1
	for i := range fields[:n] {
		n, w := binary.Uvarint(b[pos:])
		if w <= 0 || n > uint64(len(b)-pos-w) {
			return sessiond.Event{}, errBadEvent
		}
		pos += w
		fields[i] = s[pos : pos+int(n)]
		pos += int(n)
	}
	var t time.Time
	if pos != len(b) || t.UnmarshalBinary([]byte(fields[0])) != nil {
		return sessiond.Event{}, errBadEvent
	}
	return sessiond.Event{
		Time: t.UTC(), ID: fields[1], Type: sessiond.EventType(fields[2]), UserID: fields[3],
		SessionID: fields[4], IP: fields[5], UserAgent: fields[6], Reason: fields[7], Actor: fields[8],
	}, nil
}

// eventKeyLen is the length of an event's key in bucketEvents.
const eventKeyLen = 16

// eventKey is the key of an event in bucketEvents: its time in
// nanoseconds (clamped to the years 1678 to 2262), so that the keys sort
// by time, then a sequence number that tells apart events of the same
// time.
func eventKey(t time.Time, seq uint64) []byte {
	k := make([]byte, eventKeyLen)
	putOrdered(k, unixNano(t))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

// unixNano is t.UnixNano, clamped where that would overflow.
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}
