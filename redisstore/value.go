package redisstore

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/sessiond/sessiond"
)

// A token key holds a string: a record's home or a link to one.
//
//	home: 'H' seen idle abs ver idlen id payload
//	link: 'L' to id
//
// seen and idle (LastSeenAt and IdleExpiresAt, Unix microseconds, 0 for the
// zero time) and abs (AbsoluteExpiresAt, Unix milliseconds, rounded up) are
// 16 decimal digits; ver is the version in 20 characters ("%020d"); idlen
// is the length of id in 5 digits; payload is [sessiond.Record.MarshalBinary].
// Fixed widths let the scripts read a field by position, compare times as
// strings, and let Touch overwrite seen and idle in place (SETRANGE) without
// rewriting the payload, which still holds the times of the last write:
// the header's win. to is the 64 hex digits of the home's hash.
const (
	kindHome = 'H'
	kindLink = 'L'

	timeWidth = 16
	verWidth  = 20
	idWidth   = 5

	offSeen    = 1
	offIdle    = offSeen + timeWidth
	offAbs     = offIdle + timeWidth
	offVer     = offAbs + timeWidth
	offIDLen   = offVer + verWidth
	homeHeader = offIDLen + idWidth // where the id starts

	hashWidth = 64
	maxID     = 99_999
	maxTime   = 9_999_999_999_999_999 // the largest 16-digit number
)

// errTimeRange is returned for a record time that does not fit the home's
// header: before 1970 or after the year 2286.
var errTimeRange = errors.New("redisstore: time outside 1970-2286")

// errIDLength is returned for an id longer than maxID bytes.
var errIDLength = errors.New("redisstore: session id longer than 99,999 bytes")

// homeValue is the home of rec, whose encoding is payload.
func homeValue(rec *sessiond.Record, payload []byte) (string, error) {
	seen, err1 := microsField(rec.LastSeenAt)
	idle, err2 := microsField(rec.IdleExpiresAt)
	abs, err3 := millisField(rec.AbsoluteExpiresAt)
	if err := errors.Join(err1, err2, err3); err != nil {
		return "", err
	}
	if len(rec.ID) > maxID {
		return "", errIDLength
	}
	b := make([]byte, 0, homeHeader+len(rec.ID)+len(payload))
	b = append(b, kindHome)
	b = append(b, seen...)
	b = append(b, idle...)
	b = append(b, abs...)
	b = append(b, versionField(rec.Version)...)
	b = appendPadded(b, int64(len(rec.ID)), idWidth)
	b = append(b, rec.ID...)
	return string(append(b, payload...)), nil
}

// versionField is a version as the home's header holds it.
func versionField(v int64) string { return fmt.Sprintf("%0*d", verWidth, v) }

// microsField is t as the home's header holds seen and idle.
func microsField(t time.Time) (string, error) {
	us := int64(0)
	if !t.IsZero() {
		us = t.UnixMicro()
	}
	if us < 0 || us > maxTime {
		return "", errTimeRange
	}
	return string(appendPadded(nil, us, timeWidth)), nil
}

// millisField is t as the home's header holds abs, and as the touch script
// takes an expiry time: Unix milliseconds, rounded up, in 16 digits; 0 for
// the zero time.
func millisField(t time.Time) (string, error) {
	ms := int64(0)
	if !t.IsZero() {
		ms = unixMillis(t)
	}
	if ms < 0 || ms > maxTime {
		return "", errTimeRange
	}
	return string(appendPadded(nil, ms, timeWidth)), nil
}

// appendPadded appends n, not negative, in width digits with leading zeros.
func appendPadded(b []byte, n int64, width int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], n, 10)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// tok is a token key as a lookup read it. A key that does not exist, or
// holds something else, has an empty id.
type tok struct {
	hash string // the token hash, as in the key name
	id   string
	home bool
	// A home's header fields and payload; a link's to.
	seen, idle, ver, payload string
	to                       string
}

// parseValue reads the value v of the token key of hash name h.
func parseValue(h, v string) tok {
	t := tok{hash: h}
	switch {
	case len(v) > homeHeader && v[0] == kindHome:
		n, err := strconv.Atoi(v[offIDLen:homeHeader])
		if err != nil || homeHeader+n > len(v) {
			return t
		}
		t.home, t.id = true, v[homeHeader:homeHeader+n]
		t.seen, t.idle, t.ver = v[offSeen:offIdle], v[offIdle:offAbs], v[offVer:offIDLen]
		t.payload = v[homeHeader+n:]
	case len(v) > 1+hashWidth && v[0] == kindLink:
		t.to, t.id = v[1:1+hashWidth], v[1+hashWidth:]
	}
	return t
}

// record decodes a home into a record of id, with the touched times from
// the header. It fails on a home that is not a well-formed record of id.
func (t tok) record(id string) (*sessiond.Record, error) {
	rec := new(sessiond.Record)
	if err := rec.UnmarshalString(t.payload); err != nil {
		return nil, fmt.Errorf("redisstore: session %s: %w", id, err)
	}
	seen, ok1 := parseMicros(t.seen)
	idle, ok2 := parseMicros(t.idle)
	if !ok1 || !ok2 || rec.ID != id {
		return nil, fmt.Errorf("redisstore: session %s: %w", id, sessiond.ErrBadRecord)
	}
	rec.LastSeenAt, rec.IdleExpiresAt = seen, idle
	return rec, nil
}

// isVersion reports whether the home's version is v.
func (t tok) isVersion(v int64) bool { return t.ver == versionField(v) }
