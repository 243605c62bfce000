package redisstore

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
)

// A token key holds a string: a record's home or a link to one.
//
//	home: 'C' seen idle abs ver payload
//	link: 'L' to id
//
// seen and idle (LastSeenAt and IdleExpiresAt, Unix microseconds, 0 for the
// zero time), abs (AbsoluteExpiresAt, Unix milliseconds, rounded up) and
// ver (the version) are unsigned 64-bit big-endian integers; payload is
// [sessiond.Record.MarshalBinary] without the 32 bytes of the token hash,
// which the key's name holds: the encoding puts them after its format
// byte, the id and the user id, each of these a uvarint length and bytes,
// and the scripts read the id there.
// Fixed widths let the scripts read a field by position and let Touch
// overwrite seen and idle in place (SETRANGE) without rewriting the
// payload, which still holds the times of the last write: the header's
// win. to is the 64 hex digits of the home's hash.
//
// Releases before this one wrote homes of kind 'B', the same with the
// whole encoding, and before them of kind 'H', with the header in decimal
// digits and the id in it as well (see legacyHome); both are still read and
// touched, and the next update of the record rewrites its home as 'C'.
const (
	kindHome     = 'C'
	kindFullHome = 'B'
	kindLink     = 'L'

	offSeen    = 1
	offIdle    = offSeen + 8
	offAbs     = offIdle + 8
	offVer     = offAbs + 8
	homeHeader = offVer + 8 // where the payload starts

	hashWidth = 64
	maxTime   = 9_999_999_999_999_999 // the largest 16-digit number
)

// The layout of a home of kind 'H': seen idle abs ver idlen id payload,
// each time in 16 decimal digits, ver in 20 and idlen, the length of id, in
// 5.
const (
	kindLegacyHome    = 'H'
	legacyOffVer      = 1 + 3*16
	legacyOffIDLen    = legacyOffVer + 20
	legacyHomeHeader  = legacyOffIDLen + 5
	legacyOffIdle     = 1 + 16
	legacyTimeWidth   = 16
	legacyIDLenDigits = 5
)

// errTimeRange is returned for a record time that does not fit the home's
// header: before 1970 or after the year 2286.
var errTimeRange = errors.New("redisstore: time outside 1970-2286")

// homeValue is the home of rec, whose encoding is payload.
func homeValue(rec *sessiond.Record, payload []byte) (string, error) {
	seen, err1 := microsOf(rec.LastSeenAt)
	idle, err2 := microsOf(rec.IdleExpiresAt)
	abs, err3 := millisOf(rec.AbsoluteExpiresAt)
	if err := errors.Join(err1, err2, err3); err != nil {
		return "", err
	}
	if rec.Version < 0 {
		return "", fmt.Errorf("redisstore: negative version %d", rec.Version)
	}
	at, ok := hashOffset(string(payload))
	if !ok || at+len(rec.TokenHash) > len(payload) || string(payload[at:at+len(rec.TokenHash)]) != string(rec.TokenHash[:]) {
		return "", errors.New("redisstore: the record's encoding does not hold its token hash where expected")
	}
	b := make([]byte, 0, homeHeader+len(payload)-len(rec.TokenHash))
	b = append(b, kindHome)
	b = binary.BigEndian.AppendUint64(b, uint64(seen))
	b = binary.BigEndian.AppendUint64(b, uint64(idle))
	b = binary.BigEndian.AppendUint64(b, uint64(abs))
	b = binary.BigEndian.AppendUint64(b, uint64(rec.Version))
	b = append(b, payload[:at]...)
	return string(append(b, payload[at+len(rec.TokenHash):]...)), nil
}

// microsOf is t in Unix microseconds, 0 for the zero time, checked to fit
// the header of either kind of home.
func microsOf(t time.Time) (int64, error) {
	us := int64(0)
	if !t.IsZero() {
		us = t.UnixMicro()
	}
	if us < 0 || us > maxTime {
		return 0, errTimeRange
	}
	return us, nil
}

// millisOf is t in Unix milliseconds, rounded up, 0 for the zero time,
// checked as microsOf.
func millisOf(t time.Time) (int64, error) {
	ms := int64(0)
	if !t.IsZero() {
		ms = unixMillis(t)
	}
	if ms < 0 || ms > maxTime {
		return 0, errTimeRange
	}
	return ms, nil
}

// microsField is t as the touch script takes seen and idle: Unix
// microseconds in 16 digits, the width of a legacy home's header.
func microsField(t time.Time) (string, error) {
	us, err := microsOf(t)
	return string(appendPadded(nil, us, legacyTimeWidth)), err
}

// millisField is t as the touch script takes an expiry time: Unix
// milliseconds, rounded up, in 16 digits; 0 for the zero time.
func millisField(t time.Time) (string, error) {
	ms, err := millisOf(t)
	return string(appendPadded(nil, ms, legacyTimeWidth)), err
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
	// A home's header fields and payload; bad marks a header that did not
	// parse. A link's to.
	seen, idle time.Time
	ver        int64
	bad        bool
	payload    string
	cut        bool // payload lacks the token hash, which hash names
	to         string
}

// parseValue reads the value v of the token key of hash name h.
func parseValue(h, v string) tok {
	t := tok{hash: h}
	switch {
	case len(v) > homeHeader && (v[0] == kindHome || v[0] == kindFullHome):
		id, ok := payloadID(v[homeHeader:])
		if !ok {
			return t
		}
		t.home, t.id, t.payload, t.cut = true, id, v[homeHeader:], v[0] == kindHome
		var ok1, ok2 bool
		t.seen, ok1 = microsTime(binary.BigEndian.Uint64([]byte(v[offSeen:offIdle])))
		t.idle, ok2 = microsTime(binary.BigEndian.Uint64([]byte(v[offIdle:offAbs])))
		t.ver = int64(binary.BigEndian.Uint64([]byte(v[offVer:homeHeader])))
		t.bad = !ok1 || !ok2 || t.ver < 0
	case len(v) > legacyHomeHeader && v[0] == kindLegacyHome:
		return parseLegacyHome(h, v)
	case len(v) > 1+hashWidth && v[0] == kindLink:
		t.to, t.id = v[1:1+hashWidth], v[1+hashWidth:]
	}
	return t
}

// payloadID reads the id of the encoded record p without decoding the
// rest: MarshalBinary writes it first, after its format byte, as a
// uvarint length and its bytes.
func payloadID(p string) (string, bool) {
	start, end, ok := field(p, 1)
	return p[start:end], ok
}

// hashOffset is where the encoded record p holds its token hash: after
// its format byte, its id and its user id. It reports false if p ends
// before.
func hashOffset(p string) (int, bool) {
	_, id, ok1 := field(p, 1)
	_, user, ok2 := field(p, id)
	return user, ok1 && ok2
}

// field finds the string that the encoded record p holds at, a uvarint
// length and its bytes: it starts at start and ends before end. It
// reports false if p ends before.
func field(p string, at int) (start, end int, ok bool) {
	at = min(at, len(p))
	n, size := binary.Uvarint([]byte(p[at:min(len(p), at+binary.MaxVarintLen64)]))
	if size <= 0 || n > uint64(len(p)-at-size) {
		return at, at, false
	}
	start = at + size
	return start, start + int(n), true
}

// parseLegacyHome reads a home of kind 'H'.
func parseLegacyHome(h, v string) tok {
	t := tok{hash: h}
	n, err := strconv.Atoi(v[legacyOffIDLen:legacyHomeHeader])
	if err != nil || n < 0 || legacyHomeHeader+n > len(v) {
		return t
	}
	t.home, t.id = true, v[legacyHomeHeader:legacyHomeHeader+n]
	t.payload = v[legacyHomeHeader+n:]
	var ok1, ok2 bool
	t.seen, ok1 = parseMicros(v[offSeen:legacyOffIdle])
	t.idle, ok2 = parseMicros(v[legacyOffIdle : legacyOffIdle+legacyTimeWidth])
	ver, err := strconv.ParseInt(v[legacyOffVer:legacyOffIDLen], 10, 64)
	t.ver, t.bad = ver, !ok1 || !ok2 || err != nil
	return t
}

// microsTime is the time of us Unix microseconds, the zero time for 0,
// and whether us is in the header's range.
func microsTime(us uint64) (time.Time, bool) {
	if us == 0 || us > maxTime {
		return time.Time{}, us == 0
	}
	return time.UnixMicro(int64(us)).UTC(), true
}

// record decodes a home into a record of id, with the touched times from
// the header. It fails on a home that is not a well-formed record of id.
func (t tok) record(id string) (*sessiond.Record, error) {
	payload, err := t.whole()
	if err != nil {
		return nil, fmt.Errorf("redisstore: session %s: %w", id, err)
	}
	rec := new(sessiond.Record)
	if err := rec.UnmarshalString(payload); err != nil {
		return nil, fmt.Errorf("redisstore: session %s: %w", id, err)
	}
	if t.bad || rec.ID != id {
		return nil, fmt.Errorf("redisstore: session %s: %w", id, sessiond.ErrBadRecord)
	}
	rec.LastSeenAt, rec.IdleExpiresAt = t.seen, t.idle
	return rec, nil
}

// whole is the home's encoded record, with the token hash put back where
// a home of kind 'C' left it out.
func (t tok) whole() (string, error) {
	if !t.cut {
		return t.payload, nil
	}
	var name [hashWidth]byte
	var h sessiond.Hash
	at, ok := hashOffset(t.payload)
	if !ok || len(t.hash) != hashWidth {
		return "", sessiond.ErrBadRecord
	}
	copy(name[:], t.hash)
	if _, err := hex.Decode(h[:], name[:]); err != nil {
		return "", sessiond.ErrBadRecord
	}
	var b strings.Builder
	b.Grow(len(t.payload) + len(h))
	b.WriteString(t.payload[:at])
	b.Write(h[:])
	b.WriteString(t.payload[at:])
	return b.String(), nil
}

// isVersion reports whether the home's version is v.
func (t tok) isVersion(v int64) bool { return !t.bad && t.ver == v }
