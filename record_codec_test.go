package sessiond

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"reflect"
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

// format1 is sampleRecord as format 1 encoded it before device binding.
const format1 = "010469642d3105616c69636501020300000000000000000000000000000000000000000000000000000000008099b09fd6fca50601090000000000000000000000000000000000000000000000000000000000000080a7febbd6fca506808993b6bbfca5068099b09fd6fca50680e1fed3e3fca50680c9f0a4fdfea506808993b6bbfca506020370776404746f7470093139322e302e322e31096167656e742f312e300101015404000102ff"

// TestRecordCodec_Format1 checks that records stored before device binding
// still decode, and that a record that is not bound is still written in
// format 1, byte for byte, which releases before device binding read.
func TestRecordCodec_Format1(t *testing.T) {
	b, _ := hex.DecodeString(format1)
	var got Record
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	if !reflect.DeepEqual(&got, sampleRecord()) {
		t.Errorf("format 1:\ngot  %+v\nwant %+v", got, *sampleRecord())
	}
	if again, _ := got.MarshalBinary(); !bytes.Equal(again, b) {
		t.Errorf("unbound record: got %x, want format 1 %s", again, format1)
	}
	if bound, _ := boundRecord().MarshalBinary(); bound[0] != recordFormatDevice {
		t.Errorf("bound record: format %d, want %d", bound[0], recordFormatDevice)
	}
}

func TestRecordCodec_RoundTrip(t *testing.T) {
	cases := map[string]*Record{
		"full":  sampleRecord(),
		"bound": boundRecord(),
		"empty": {ID: "x"},
	}
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
	f.Add([]byte{recordFormat})
	f.Add([]byte{recordFormatDevice})
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
