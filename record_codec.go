package sessiond

import (
	"encoding/binary"
	"errors"
	"time"
)

// The first byte of an encoded record. Format 2 is format 1 followed by
// the device binding; a record that is not bound is written in format 1,
// which releases before device binding read too, and both are read.
const (
	recordFormat       = 1
	recordFormatDevice = 2
)

// maxRecordField bounds every length inside an encoded record, so that a
// corrupt length cannot ask for gigabytes.
const maxRecordField = 1 << 20

// ErrBadRecord is returned by [Record.UnmarshalBinary] for bytes that are
// not an encoded record.
var ErrBadRecord = errors.New("sessiond: malformed session record")

// MarshalBinary encodes the record in a compact, versioned binary form, for
// stores that keep a record as one value. Times keep microseconds.
func (r *Record) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 160+len(r.Data)+len(r.UserAgent)+40*len(r.Retired)+len(r.Device.Key))
	if r.Device == (DeviceBinding{}) {
		b = append(b, recordFormat)
	} else {
		b = append(b, recordFormatDevice)
	}
	b = appendString(b, r.ID)
	b = appendString(b, r.UserID)
	b = append(b, r.TokenHash[:]...)
	b = appendTime(b, r.TokenIssuedAt)
	b = binary.AppendUvarint(b, uint64(len(r.Retired)))
	for _, t := range r.Retired {
		b = append(b, t.Hash[:]...)
		b = appendTime(b, t.GraceUntil)
	}
	for _, t := range []time.Time{r.CreatedAt, r.LastSeenAt, r.IdleExpiresAt, r.AbsoluteExpiresAt, r.AuthTime} {
		b = appendTime(b, t)
	}
	b = binary.AppendUvarint(b, uint64(len(r.AuthMethods)))
	for _, m := range r.AuthMethods {
		b = appendString(b, m)
	}
	b = appendString(b, r.IP)
	b = appendString(b, r.UserAgent)
	b = append(b, boolByte(r.Persistent), boolByte(r.Pending), boolByte(r.ReauthRequired))
	b = binary.AppendVarint(b, r.Version)
	b = appendString(b, string(r.Data))
	if b[0] == recordFormatDevice {
		b = appendDevice(b, &r.Device)
	}
	return b, nil
}

// appendDevice encodes the device binding of format 2.
func appendDevice(b []byte, d *DeviceBinding) []byte {
	b = appendString(b, d.Alg)
	b = appendString(b, d.Key)
	b = appendTime(b, d.BoundAt)
	b = binary.AppendVarint(b, d.Generation)
	for _, c := range d.Cookies {
		b = append(b, c.Hash[:]...)
		b = appendTime(b, c.ExpiresAt)
	}
	return b
}

// UnmarshalBinary decodes what MarshalBinary encoded, replacing r. The
// record keeps none of b.
func (r *Record) UnmarshalBinary(b []byte) error {
	return r.decode(string(b)) // one copy, whose substrings cost nothing
}

// UnmarshalString is UnmarshalBinary of an encoding held in a string, as
// a network store's client returns values: the record's strings share s
// rather than copying it.
func (r *Record) UnmarshalString(s string) error {
	return r.decode(s)
}

// decode decodes an encoded record from s, replacing r.
func (r *Record) decode(s string) error {
	d := decoder{s: s}
	format := d.byte()
	if format != recordFormat && format != recordFormatDevice {
		return ErrBadRecord
	}
	var out Record
	out.ID = d.string()
	out.UserID = d.string()
	d.hash(&out.TokenHash)
	out.TokenIssuedAt = d.time()
	if n := d.count(33); n > 0 {
		out.Retired = make([]RetiredToken, n)
		for i := range out.Retired {
			d.hash(&out.Retired[i].Hash)
			out.Retired[i].GraceUntil = d.time()
		}
	}
	for _, t := range []*time.Time{&out.CreatedAt, &out.LastSeenAt, &out.IdleExpiresAt, &out.AbsoluteExpiresAt, &out.AuthTime} {
		*t = d.time()
	}
	if n := d.count(1); n > 0 {
		out.AuthMethods = make([]string, n)
		for i := range out.AuthMethods {
			out.AuthMethods[i] = d.string()
		}
	}
	out.IP = d.string()
	out.UserAgent = d.string()
	out.Persistent = d.byte() == 1
	out.Pending = d.byte() == 1
	out.ReauthRequired = d.byte() == 1
	out.Version = d.varint()
	if data := d.string(); data != "" {
		out.Data = []byte(data)
	}
	if format == recordFormatDevice {
		d.device(&out.Device)
	}
	if d.err || d.rest() != 0 {
		return ErrBadRecord
	}
	*r = out
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendTime encodes t as microseconds since the Unix epoch; the zero time
// is 0.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixMicro())
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// decoder reads an encoded record from s; after the first error every
// read returns a zero value and err stays set.
type decoder struct {
	s   string
	pos int
	err bool
}

func (d *decoder) rest() int { return len(d.s) - d.pos }

func (d *decoder) byte() byte {
	if d.err || d.rest() < 1 {
		d.err = true
		return 0
	}
	d.pos++
	return d.s[d.pos-1]
}

// uvarint reads what binary.AppendUvarint wrote, refusing what
// binary.Uvarint refuses: a number cut short, or one past 64 bits.
func (d *decoder) uvarint() uint64 {
	if d.err {
		return 0
	}
	var x uint64
	var shift uint
	for i, c := range []byte(d.s[d.pos:min(len(d.s), d.pos+binary.MaxVarintLen64)]) {
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break
			}
			d.pos += i + 1
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	d.err = true
	return 0
}

// varint reads what binary.AppendVarint wrote.
func (d *decoder) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

// count reads a number of items each at least size bytes long, refusing
// one the rest of the input cannot hold.
func (d *decoder) count(size int) int {
	n := d.uvarint()
	if n > uint64(d.rest()/size) {
		d.err = true
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err || n > maxRecordField || n > uint64(d.rest()) {
		d.err = true
		return ""
	}
	d.pos += int(n)
	return d.s[d.pos-int(n) : d.pos]
}

func (d *decoder) hash(h *Hash) {
	if d.err || d.rest() < len(h) {
		d.err = true
		return
	}
	d.pos += copy(h[:], d.s[d.pos:])
}

// device decodes what appendDevice encoded.
func (d *decoder) device(b *DeviceBinding) {
	b.Alg = d.string()
	b.Key = d.string()
	b.BoundAt = d.time()
	b.Generation = d.varint()
	for i := range b.Cookies {
		d.hash(&b.Cookies[i].Hash)
		b.Cookies[i].ExpiresAt = d.time()
	}
}

// time decodes what appendTime encoded, in UTC.
func (d *decoder) time() time.Time {
	us := d.varint()
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
