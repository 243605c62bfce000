package sessiond

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"time"
)

// The first byte of an encoded record. MarshalBinary writes format 3:
// times after the creation time relative to it, the three flags in one
// byte, an IP address in binary and a browser's User-Agent in the words of
// agentWords. Formats 1 and 2, which earlier builds wrote (2 is 1 followed
// by the device binding), are still read.
const (
	recordFormat        = 1
	recordFormatDevice  = 2
	recordFormatCompact = 3
)

// The bits of format 3's flags byte.
const (
	flagPersistent = 1 << iota
	flagPending
	flagReauthRequired
	flagBound  // the device binding follows the data
	knownFlags = flagPersistent | flagPending | flagReauthRequired | flagBound
)

// maxRecordField bounds every length inside an encoded record, so that a
// corrupt length cannot ask for gigabytes.
const maxRecordField = 1 << 20

// ErrBadRecord is returned by [Record.UnmarshalBinary] for bytes that are
// not an encoded record.
var ErrBadRecord = errors.New("sessiond: malformed session record")

// MarshalBinary encodes the record in a compact, versioned binary form, for
// stores that keep a record as one value. Times keep microseconds. The
// encoding starts with its format byte, the ID and the UserID, each as a
// uvarint length and its bytes, then the 32 bytes of the TokenHash, so
// that a store can read the ID, or find the hash, without decoding the
// rest.
func (r *Record) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 96+len(r.ID)+len(r.UserID)+len(r.Data)+len(r.UserAgent)+len(r.IP)+40*len(r.Retired)+len(r.Device.Key))
	b = append(b, recordFormatCompact)
	b = appendString(b, r.ID)
	b = appendString(b, r.UserID)
	b = append(b, r.TokenHash[:]...)
	b = append(b, r.flags())
	b = appendTime(b, r.CreatedAt)
	base := unixMicros(r.CreatedAt)
	b = appendRelTime(b, r.TokenIssuedAt, base)
	b = binary.AppendUvarint(b, uint64(len(r.Retired)))
	for _, t := range r.Retired {
		b = append(b, t.Hash[:]...)
		b = appendRelTime(b, t.GraceUntil, base)
	}
	for _, t := range [...]time.Time{r.LastSeenAt, r.IdleExpiresAt, r.AbsoluteExpiresAt, r.AuthTime} {
		b = appendRelTime(b, t, base)
	}
	b = binary.AppendUvarint(b, uint64(len(r.AuthMethods)))
	for _, m := range r.AuthMethods {
		b = appendString(b, m)
	}
	b = appendIP(b, r.IP)
	b = appendAgent(b, r.UserAgent)
	b = binary.AppendVarint(b, r.Version)
	b = appendString(b, string(r.Data))
	if d := &r.Device; *d != (DeviceBinding{}) {
		b = appendString(b, d.Alg)
		b = appendString(b, d.Key)
		b = appendRelTime(b, d.BoundAt, base)
		b = binary.AppendVarint(b, d.Generation)
		for _, c := range d.Cookies {
			b = append(b, c.Hash[:]...)
			b = appendRelTime(b, c.ExpiresAt, base)
		}
	}
	return b, nil
}

// flags is the flags byte of r in format 3.
func (r *Record) flags() byte {
	var f byte
	if r.Persistent {
		f |= flagPersistent
	}
	if r.Pending {
		f |= flagPending
	}
	if r.ReauthRequired {
		f |= flagReauthRequired
	}
	if r.Device != (DeviceBinding{}) {
		f |= flagBound
	}
	return f
}

// UnmarshalBinary decodes what MarshalBinary encoded, in any of its
// formats, replacing r. The record keeps none of b.
func (r *Record) UnmarshalBinary(b []byte) error {
	return r.decode(string(b)) // one copy, whose substrings cost nothing
}

// UnmarshalString is UnmarshalBinary of an encoding held in a string, as
// a network store's client returns values: the record's strings that the
// encoding holds as text share s rather than copying it.
func (r *Record) UnmarshalString(s string) error {
	return r.decode(s)
}

// decode decodes an encoded record from s, replacing r.
func (r *Record) decode(s string) error {
	d := decoder{s: s}
	var out Record
	switch format := d.byte(); format {
	case recordFormatCompact:
		d.compact(&out)
	case recordFormat, recordFormatDevice:
		d.legacy(&out, format == recordFormatDevice)
	default:
		return ErrBadRecord
	}
	if d.err || d.rest() != 0 {
		return ErrBadRecord
	}
	*r = out
	return nil
}

// compact decodes the rest of a record of format 3 into out.
func (d *decoder) compact(out *Record) {
	out.ID = d.string()
	out.UserID = d.string()
	d.hash(&out.TokenHash)
	flags := d.byte()
	if flags&^knownFlags != 0 {
		d.err = true
	}
	out.Persistent = flags&flagPersistent != 0
	out.Pending = flags&flagPending != 0
	out.ReauthRequired = flags&flagReauthRequired != 0
	out.CreatedAt = d.time()
	base := unixMicros(out.CreatedAt)
	relTime := func() time.Time { return d.relTime(base) }
	out.TokenIssuedAt = relTime()
	d.retired(out, relTime)
	for _, t := range [...]*time.Time{&out.LastSeenAt, &out.IdleExpiresAt, &out.AbsoluteExpiresAt, &out.AuthTime} {
		*t = d.relTime(base)
	}
	d.methods(out)
	out.IP = d.ip()
	out.UserAgent = d.agent()
	out.Version = d.varint()
	d.data(out)
	if flags&flagBound != 0 {
		d.device(&out.Device, relTime)
	}
}

// legacy decodes the rest of a record of format 1, or of format 2 if
// bound, into out.
func (d *decoder) legacy(out *Record, bound bool) {
	out.ID = d.string()
	out.UserID = d.string()
	d.hash(&out.TokenHash)
	out.TokenIssuedAt = d.time()
	d.retired(out, d.time)
	for _, t := range [...]*time.Time{&out.CreatedAt, &out.LastSeenAt, &out.IdleExpiresAt, &out.AbsoluteExpiresAt, &out.AuthTime} {
		*t = d.time()
	}
	d.methods(out)
	out.IP = d.string()
	out.UserAgent = d.string()
	out.Persistent = d.byte() == 1
	out.Pending = d.byte() == 1
	out.ReauthRequired = d.byte() == 1
	out.Version = d.varint()
	d.data(out)
	if bound {
		d.device(&out.Device, d.time)
	}
}

// retired decodes the record's retired token hashes, whose times
// readTime reads.
func (d *decoder) retired(out *Record, readTime func() time.Time) {
	if n := d.count(len(Hash{}) + 1); n > 0 {
		out.Retired = make([]RetiredToken, n)
		for i := range out.Retired {
			d.hash(&out.Retired[i].Hash)
			out.Retired[i].GraceUntil = readTime()
		}
	}
}

// methods decodes the record's AuthMethods.
func (d *decoder) methods(out *Record) {
	if n := d.count(1); n > 0 {
		out.AuthMethods = make([]string, n)
		for i := range out.AuthMethods {
			out.AuthMethods[i] = d.string()
		}
	}
}

// data decodes the record's Data, nil when empty.
func (d *decoder) data(out *Record) {
	if data := d.string(); data != "" {
		out.Data = []byte(data)
	}
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendTime encodes t as microseconds since the Unix epoch; the zero time
// is 0.
func appendTime(b []byte, t time.Time) []byte {
	return binary.AppendVarint(b, unixMicros(t))
}

// unixMicros is t in microseconds since the Unix epoch, 0 for the zero
// time.
func unixMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// appendRelTime encodes t as format 3 does a time after the creation time,
// whose unixMicros is base: 0 for the zero time, else 1 + the zigzag of the
// microseconds from base, so that a time near the creation time takes a
// few bytes where appendTime takes eight.
func appendRelTime(b []byte, t time.Time, base int64) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	delta := t.UnixMicro() - base
	return binary.AppendUvarint(b, uint64(delta<<1^delta>>63)+1)
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

// device decodes a device binding, whose times readTime reads.
func (d *decoder) device(b *DeviceBinding, readTime func() time.Time) {
	b.Alg = d.string()
	b.Key = d.string()
	b.BoundAt = readTime()
	b.Generation = d.varint()
	for i := range b.Cookies {
		d.hash(&b.Cookies[i].Hash)
		b.Cookies[i].ExpiresAt = readTime()
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

// relTime decodes what appendRelTime encoded with base, in UTC.
func (d *decoder) relTime(base int64) time.Time {
	u := d.uvarint()
	if u == 0 {
		return time.Time{}
	}
	u--
	return time.UnixMicro(base + (int64(u>>1) ^ -int64(u&1))).UTC()
}

// The kinds of IP address in format 3: an address in its canonical text
// form is kept in binary, anything else as text.
const (
	ipText = 0
	ipV4   = 4
	ipV6   = 16
)

// appendIP encodes the IP address s: a kind byte, then 4 or 16 bytes, or
// s itself when it is not an address without a zone in the form
// netip.Addr.String writes, which the decoder gives back.
func appendIP(b []byte, s string) []byte {
	a, err := netip.ParseAddr(s)
	var text [64]byte
	if err != nil || a.Zone() != "" || string(a.AppendTo(text[:0])) != s {
		return appendString(append(b, ipText), s)
	}
	if a.Is4() {
		v4 := a.As4()
		return append(append(b, ipV4), v4[:]...)
	}
	v6 := a.As16()
	return append(append(b, ipV6), v6[:]...)
}

// ip decodes what appendIP encoded.
func (d *decoder) ip() string {
	switch kind := d.byte(); {
	case kind == ipText:
		return d.string()
	case (kind == ipV4 || kind == ipV6) && d.rest() >= int(kind):
		d.pos += int(kind)
		b := d.s[d.pos-int(kind) : d.pos]
		if kind == ipV4 {
			return netip.AddrFrom4([4]byte([]byte(b))).String()
		}
		return netip.AddrFrom16([16]byte([]byte(b))).String()
	}
	d.err = true
	return ""
}
