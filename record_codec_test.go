package sessiond

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleRecord() *Record {
	now := time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC)
	return &Record{
		ID: "id-1", UserID: "alice", TokenHash: Hash{1, 2, 3}, TokenIssuedAt: now,
		Retired:   []RetiredToken{{Hash: Hash{9}, GraceUntil: now.Add(30 * time.Second)}},
		CreatedAt: now.Add(-time.Hour), LastSeenAt: now, IdleExpiresAt: now.Add(30 * time.Minute),
		AbsoluteExpiresAt: now.Add(11 * time.Hour), AuthTime: now.Add(-time.Hour),
		AuthMethods: []string{"pwd", "totp"}, IP: "192.0.2.1", UserAgent: "agent/1.0",
		Persistent: true, Pending: true, ReauthRequired: true, Version: 42, Data: []byte{0, 1, 2, 255},
	}
}

// boundRecord is sampleRecord bound to a device key.
func boundRecord() *Record {
	r := sampleRecord()
	r.Device = DeviceBinding{
		Alg: "ES256", Key: `{"crv":"P-256","kty":"EC","x":"AA","y":"BB"}`, BoundAt: r.AuthTime, Generation: 3,
		Cookies: [2]BoundCookie{{Hash: Hash{7}, ExpiresAt: r.LastSeenAt.Add(10 * time.Minute)}, {Hash: Hash{8}, ExpiresAt: r.LastSeenAt}},
	}
	return r
}

// format1 is sampleRecord as format 1 encoded it before device binding,
// and format2 boundRecord as format 2 encoded it, before format 3.
const (
	format1 = "010469642d3105616c69636501020300000000000000000000000000000000000000000000000000000000008099b09fd6fca50601090000000000000000000000000000000000000000000000000000000000000080a7febbd6fca506808993b6bbfca5068099b09fd6fca50680e1fed3e3fca50680c9f0a4fdfea506808993b6bbfca506020370776404746f7470093139322e302e322e31096167656e742f312e300101015404000102ff"
	format2 = "020469642d3105616c69636501020300000000000000000000000000000000000000000000000000000000008099b09fd6fca50601090000000000000000000000000000000000000000000000000000000000000080a7febbd6fca506808993b6bbfca5068099b09fd6fca50680e1fed3e3fca50680c9f0a4fdfea506808993b6bbfca506020370776404746f7470093139322e302e322e31096167656e742f312e300101015404000102ff0545533235362c7b22637276223a22502d323536222c226b7479223a224543222c2278223a224141222c2279223a224242227d808993b6bbfca50606070000000000000000000000000000000000000000000000000000000000000080b1cadbdafca50608000000000000000000000000000000000000000000000000000000000000008099b09fd6fca506"
)

// TestRecordCodec_EarlierFormats checks that records stored in formats 1
// and 2 still decode, and that MarshalBinary writes format 3.
func TestRecordCodec_EarlierFormats(t *testing.T) {
	for _, c := range []struct {
		hex  string
		want *Record
	}{{format1, sampleRecord()}, {format2, boundRecord()}} {
		b, _ := hex.DecodeString(c.hex)
		var got Record
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("format %d: UnmarshalBinary: %v", b[0], err)
		}
		if !reflect.DeepEqual(&got, c.want) {
			t.Errorf("format %d:\ngot  %+v\nwant %+v", b[0], got, *c.want)
		}
		if again, _ := got.MarshalBinary(); again[0] != recordFormatCompact {
			t.Errorf("format %d re-encoded in format %d, want %d", b[0], again[0], recordFormatCompact)
		}
	}
}

// TestRecordCodec_Format3IsSmall checks what format 3 is for: a browser's
// session, 442 bytes in format 1, takes 312 (its times relative, its
// address in binary, its User-Agent in 6 words and 3 characters).
func TestRecordCodec_Format3IsSmall(t *testing.T) {
	rec := browserRecord()
	b, _ := rec.MarshalBinary()
	if len(b) > 312 {
		t.Errorf("browser record: %d bytes, want at most 312", len(b))
	}
	if agent := appendAgent(nil, rec.UserAgent); len(agent) > 11 {
		t.Errorf("User-Agent %q in %d bytes, want at most 11", rec.UserAgent, len(agent))
	}
}

// TestAgentWords checks the rules of the word list: at most 128 words, each
// ASCII, longer than one byte and unique, so that byte 0x80+i names one.
func TestAgentWords(t *testing.T) {
	if len(agentWords) > 128 {
		t.Fatalf("%d words, at most 128 fit a byte's high half", len(agentWords))
	}
	seen := map[string]bool{}
	for i, w := range agentWords {
		if len(w) < 2 || !isASCII(w) || seen[w] {
			t.Errorf("word %d %q: want ASCII, 2 bytes or more, unique", i, w)
		}
		seen[w] = true
	}
}

// TestRecordCodec_RefusesBadFormat3 checks that the decoder refuses what
// the encoder never writes: unknown flags, a word past the list, words
// that spell a User-Agent longer than the longest kept, unknown kinds.
func TestRecordCodec_RefusesBadFormat3(t *testing.T) {
	rec := sampleRecord()
	rec.Retired, rec.AuthMethods, rec.Data = nil, nil, nil
	rec.IP, rec.UserAgent = "", ""
	good, _ := rec.MarshalBinary()
	flagsAt := 1 + 1 + len(rec.ID) + 1 + len(rec.UserID) + len(rec.TokenHash)
	// The encoding ends with the empty IP (ipText, 0) and User-Agent (in
	// no words: agentWorded, 0), the version (42, one byte) and the empty
	// data (0).
	tail := len(good) - 6
	if !bytes.Equal(good[tail:], []byte{ipText, 0, agentWorded, 0, 42 << 1, 0}) {
		t.Fatalf("encoding %x does not end with an empty IP and User-Agent", good)
	}
	with := func(at int, insert []byte, drop int) []byte {
		return append(append(bytes.Clone(good[:at]), insert...), good[at+drop:]...)
	}
	long := append([]byte{agentWorded, 0}, bytes.Repeat([]byte{0x80}, maxWordedAgent/len(agentWords[0])+1)...)
	long[1] = byte(len(long) - 2)
	cases := map[string][]byte{
		"unknown flag":       with(flagsAt, []byte{good[flagsAt] | 0x80}, 1),
		"unknown IP kind":    with(tail, []byte{5, 0, 0, 0, 0, 0}, 1),
		"short IPv6":         with(tail, []byte{ipV6, 1, 2, 3}, 1),
		"unknown agent kind": with(tail+2, []byte{2, 0}, 2),
		"word past the list": with(tail+2, []byte{agentWorded, 1, 0xff}, 2),
		"agent too long":     with(tail+2, long, 2),
	}
	for name, b := range cases {
		var r Record
		if err := r.UnmarshalBinary(b); err == nil {
			t.Errorf("%s: %x decoded", name, b)
		}
	}
	var r Record
	if err := r.UnmarshalBinary(good); err != nil {
		t.Fatalf("the unaltered encoding: %v", err)
	}
}

func TestRecordCodec_RoundTrip(t *testing.T) {
	cases := map[string]*Record{
		"full":    sampleRecord(),
		"bound":   boundRecord(),
		"empty":   {ID: "x"},
		"browser": browserRecord(),
	}
	// Addresses kept in binary and as text, User-Agents in words and as
	// text, times before the creation time and at the ends of time.
	for _, ip := range []string{"2001:db8::1", "::ffff:192.0.2.1", "::", "fe80::1%eth0", "192.0.2.01", "2001:DB8::1", "unknown", " 192.0.2.1"} {
		r := sampleRecord()
		r.IP = ip
		cases["ip "+ip] = r
	}
	for name, ua := range map[string]string{
		"not ASCII": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) caf\u00e9",
		"long":      strings.Repeat("Mozilla/5.0 (", maxWordedAgent/13+1),
		"longest":   strings.Repeat("x", maxWordedAgent),
		"word ends": "Mozilla/5.0 (Chrome/",
	} {
		r := sampleRecord()
		r.UserAgent = ua
		cases["agent "+name] = r
	}
	early := sampleRecord()
	early.AuthTime = early.CreatedAt.Add(-48 * time.Hour)
	early.Retired[0].GraceUntil = time.UnixMicro(1).UTC()
	cases["times before creation"] = early
	ends := boundRecord()
	ends.CreatedAt = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	ends.LastSeenAt = time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC)
	ends.Device.BoundAt = time.Time{}
	cases["ends of time"] = ends
	nocreation := sampleRecord()
	nocreation.CreatedAt = time.Time{}
	cases["no creation time"] = nocreation
	for name, rec := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := rec.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var got Record
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if !reflect.DeepEqual(&got, rec) {
				t.Errorf("round trip:\ngot  %+v\nwant %+v", got, *rec)
			}
		})
	}
}

func TestRecordCodec_RefusesTruncationAndTrailingBytes(t *testing.T) {
	for _, rec := range []*Record{sampleRecord(), boundRecord()} {
		b, _ := rec.MarshalBinary()
		for i := range b {
			var r Record
			if err := r.UnmarshalBinary(b[:i]); err == nil {
				t.Fatalf("format %d truncated to %d bytes: decoded", b[0], i)
			}
		}
		var r Record
		if err := r.UnmarshalBinary(append(bytes.Clone(b), 0)); err == nil {
			t.Errorf("format %d with a trailing byte: decoded", b[0])
		}
	}
}

func FuzzRecordCodec(f *testing.F) {
	b, _ := sampleRecord().MarshalBinary()
	f.Add(b)
	bound, _ := boundRecord().MarshalBinary()
	f.Add(bound)
	f.Add(bytesOf(format1))
	f.Add(bytesOf(format2))
	browser, _ := browserRecord().MarshalBinary()
	f.Add(browser)
	f.Add([]byte{recordFormat})
	f.Add([]byte{recordFormatDevice})
	f.Add([]byte{recordFormatCompact})
	f.Add([]byte{recordFormat, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r, fromString Record
		err := r.UnmarshalBinary(b)
		if errS := fromString.UnmarshalString(string(b)); (errS == nil) != (err == nil) || !reflect.DeepEqual(r, fromString) {
			t.Fatalf("UnmarshalString disagrees with UnmarshalBinary: errors %v and %v", errS, err)
		}
		if err != nil {
			return
		}
		again, _ := r.MarshalBinary()
		var r2 Record
		if err := r2.UnmarshalBinary(again); err != nil || !reflect.DeepEqual(r, r2) {
			t.Fatalf("re-encoding changed the record: %v", err)
		}
	})
}

// bytesOf is the encoding whose hex is h.
func bytesOf(h string) []byte {
	b, _ := hex.DecodeString(h)
	return b
}

// FuzzAgentAndIP checks that any string given as a User-Agent and an IP
// address comes back from format 3 as it went in, in words, in binary or
// as text.
func FuzzAgentAndIP(f *testing.F) {
	f.Add(browserRecord().UserAgent)
	f.Add("2001:db8::1")
	f.Add("Mozilla/5.0 (Chrome/")
	f.Add("192.0.2.1")
	f.Fuzz(func(t *testing.T, s string) {
		rec := &Record{ID: "x", IP: s, UserAgent: s}
		b, _ := rec.MarshalBinary()
		var got Record
		if err := got.UnmarshalBinary(b); err != nil || got.IP != s || got.UserAgent != s {
			t.Fatalf("%q: got IP %q, User-Agent %q, error %v", s, got.IP, got.UserAgent, err)
		}
	})
}

// FuzzDecoderVarint checks the decoder's varints against encoding/binary's.
func FuzzDecoderVarint(f *testing.F) {
	f.Add([]byte{0x80, 0x01})
	f.Add(bytes.Repeat([]byte{0xff}, 10))
	f.Add(append(bytes.Repeat([]byte{0xff}, 9), 0x01))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := decoder{s: string(b)}
		got := d.uvarint()
		want, n := binary.Uvarint(b)
		if n > 0 && (d.err || got != want || d.pos != n) || n <= 0 && !d.err {
			t.Fatalf("uvarint(%x) = %d (err %t, read %d), binary.Uvarint = %d, %d", b, got, d.err, d.pos, want, n)
		}
		d = decoder{s: string(b)}
		gotS := d.varint()
		wantS, n := binary.Varint(b)
		if n > 0 && (d.err || gotS != wantS) || n <= 0 && !d.err {
			t.Fatalf("varint(%x) = %d (err %t), binary.Varint = %d, %d", b, gotS, d.err, wantS, n)
		}
	})
}

// browserRecord is a signed-in session as a desktop browser makes it: a
// browser's User-Agent, an IPv4 address and 190 bytes of sealed data.
func browserRecord() *Record {
	r := sampleRecord()
	r.ID, r.UserID, r.Retired = "0Hj4Qm9-xWq3Zb7Ld2Kp5s", "user-1234", nil
	r.AuthMethods, r.Pending, r.ReauthRequired = []string{"pwd"}, false, false
	r.IP = "203.0.113.195"
	r.UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	r.Data = bytes.Repeat([]byte{0xa5}, 190)
	return r
}

func BenchmarkRecordCodec(b *testing.B) {
	for name, rec := range map[string]*Record{"sample": sampleRecord(), "browser": browserRecord()} {
		enc, _ := rec.MarshalBinary()
		b.Run(name+"/marshal", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec.MarshalBinary()
			}
			b.ReportMetric(float64(len(enc)), "bytes")
		})
		b.Run(name+"/unmarshal", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var r Record
				r.UnmarshalBinary(enc)
			}
		})
	}
}
