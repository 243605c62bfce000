package redisstore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// TestValueLayout checks the positions that the Lua scripts read (1-based,
// inclusive) against the layout the Go code writes.
func TestValueLayout(t *testing.T) {
	tests := []struct {
		name     string
		lua, off int // the script's first position, the Go offset
	}{
		{"seen", 2, offSeen},
		{"idle", 10, offIdle},
		{"abs", 18, offAbs},
		{"ver", 26, offVer},
		{"payload id length", 35, homeHeader + 1},
		{"legacy ver", 50, legacyOffVer},
		{"legacy idlen", 70, legacyOffIDLen},
		{"legacy id", 75, legacyHomeHeader},
		{"link id", 66, 1 + hashWidth},
	}
	for _, tc := range tests {
		if tc.lua != tc.off+1 {
			t.Errorf("%s: got Lua position %d, want %d", tc.name, tc.lua, tc.off+1)
		}
	}
	for _, want := range []string{"n, scale, i = 0, 1, 35", "struct.unpack('>I8I8I8I8', v, 2)", "v:sub(70, 74)", "v:sub(75, 74 + n)", "v:sub(66)", "v:sub(50, 69)"} {
		if !strings.Contains(token, want) {
			t.Errorf("token no longer reads %q, which this test checks", want)
		}
	}
}

// TestPayloadID checks that payloadID finds the id where MarshalBinary
// writes it, for ids whose length takes one, two and three bytes.
func TestPayloadID(t *testing.T) {
	for _, n := range []int{1, 26, 127, 128, 300, 16384} {
		rec := record(strings.Repeat("x", n), time.Time{}, time.Time{}, time.Time{})
		p, err := rec.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := payloadID(string(p)); !ok || id != rec.ID {
			t.Errorf("id of %d bytes: got (%d bytes, %t)", n, len(id), ok)
		}
	}
}

// record returns a record of id with the given times.
func record(id string, seen, idle, abs time.Time) *sessiond.Record {
	return &sessiond.Record{ID: id, TokenHash: sessiond.Hash{1}, LastSeenAt: seen, IdleExpiresAt: idle, AbsoluteExpiresAt: abs, Version: 42}
}

// TestHomeValue round-trips homes through homeValue and parseValue, and
// checks what homeValue refuses.
func TestHomeValue(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC)
	tests := []struct {
		name    string
		rec     *sessiond.Record
		wantErr error
	}{
		{"Typical", record("s1", now, now.Add(time.Hour), now.Add(12*time.Hour)), nil},
		{"ZeroTimes", record("s2", time.Time{}, time.Time{}, time.Time{}), nil},
		{"Before1970", record("s3", time.Unix(-1, 0), now, now), errTimeRange},
		{"After2286", record("s4", now, time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), now), errTimeRange},
		{"LongID", record(strings.Repeat("x", 100_000), now, now, now), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := encode(tc.rec)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("encode: got error %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			home := parseValue(hashName(tc.rec.TokenHash), v)
			got, err := home.record(tc.rec.ID)
			if err != nil || !home.home || !home.isVersion(42) {
				t.Fatalf("parse: got (home %t, version %d, %v), want a home at version 42", home.home, home.ver, err)
			}
			if !got.LastSeenAt.Equal(tc.rec.LastSeenAt) || !got.IdleExpiresAt.Equal(tc.rec.IdleExpiresAt) {
				t.Errorf("times: got %v, %v, want %v, %v", got.LastSeenAt, got.IdleExpiresAt, tc.rec.LastSeenAt, tc.rec.IdleExpiresAt)
			}
			if got.TokenHash != tc.rec.TokenHash {
				t.Errorf("token hash: got %x, want %x, put back from the key's name", got.TokenHash, tc.rec.TokenHash)
			}
			if len(v) != homeHeader+len(mustMarshal(t, tc.rec))-len(tc.rec.TokenHash) {
				t.Errorf("home of %d bytes: want the header and the encoding without the token hash", len(v))
			}
		})
	}
}

// mustMarshal is rec's encoding.
func mustMarshal(t *testing.T, rec *sessiond.Record) []byte {
	t.Helper()
	b, err := rec.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzParseValue checks that parseValue never panics on what a token key
// might hold, and that a home it accepts decodes or fails cleanly.
func FuzzParseValue(f *testing.F) {
	v, _ := encode(record("s1", time.Now(), time.Now(), time.Now()))
	f.Add(v)
	f.Add("L" + strings.Repeat("a", hashWidth) + "s1")
	f.Add(legacyHome(record("s1", time.Now(), time.Now(), time.Now())))
	f.Add("H")
	f.Add("B")
	f.Fuzz(func(t *testing.T, v string) {
		tk := parseValue("h", v)
		if tk.home {
			tk.record(tk.id) // must not panic
		}
	})
}
