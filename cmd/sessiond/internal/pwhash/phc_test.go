package pwhash

import (
	"errors"
	"strings"
	"testing"
)

func TestHash_RoundTrip(t *testing.T) {
	h := mustHash(t, "correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("got %q, want an argon2id PHC string with the test parameters", h)
	}
	for _, tc := range []struct {
		name, password string
		want           bool
	}{
		{"right", "correct horse battery", true},
		{"wrong", "correct horse battery!", false},
		{"empty", "", false},
		{"prefix", "correct horse", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Check(h, tc.password)
			if err != nil || got != tc.want {
				t.Errorf("got %v, %v, want %v, nil", got, err, tc.want)
			}
		})
	}
}

func TestHash_SaltIsRandom(t *testing.T) {
	if a, b := mustHash(t, "same password"), mustHash(t, "same password"); a == b {
		t.Errorf("two hashes of one password are equal: %q", a)
	}
}

func TestHash_DefaultParams(t *testing.T) {
	h, err := Hash("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=65536,t=3,p=2$"; !strings.HasPrefix(h, want) {
		t.Errorf("got %q, want prefix %q", h, want)
	}
	parsed, err := parsePHC(h)
	if err != nil || len(parsed.salt) != 16 || len(parsed.key) != 32 {
		t.Errorf("got salt %d bytes, key %d bytes, err %v; want 16, 32, nil", len(parsed.salt), len(parsed.key), err)
	}
}

func TestHash_BadParams(t *testing.T) {
	for _, p := range []Params{
		{},
		{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 4, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
		{Memory: maxMemory + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	} {
		if _, err := p.Hash("password"); !errors.Is(err, ErrBadParams) {
			t.Errorf("%+v: got %v, want ErrBadParams", p, err)
		}
	}
}

func TestCheck_TooLong(t *testing.T) {
	long := strings.Repeat("a", MaxLen)
	h := mustHash(t, long)
	if ok, _ := Check(h, long); !ok {
		t.Fatal("a password of MaxLen bytes does not match itself")
	}
	if ok, _ := Check(h, long+"a"); ok {
		t.Error("a password over MaxLen matched the hash of its prefix")
	}
	if _, err := testParams.Hash(long + "a"); !errors.Is(err, ErrTooLong) {
		t.Errorf("got %v, want ErrTooLong", err)
	}
}

func TestParsePHC_Malformed(t *testing.T) {
	good := mustHash(t, "password")
	salt := "c2FsdHNhbHRzYWx0c2FsdA"
	key := "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1)},
		{"version 16", strings.Replace(good, "v=19", "v=16", 1)},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"missing key", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"extra part", good + "$x"},
		{"params out of order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"signed", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key},
		{"huge memory", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key},
		{"overflow", "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key},
		{"zero time", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"zero lanes", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"lanes over 255", "$argon2id$v=19$m=4096,t=1,p=257$" + salt + "$" + key},
		{"memory under 8 per lane", "$argon2id$v=19$m=15,t=1,p=2$" + salt + "$" + key},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5"},
		{"padded", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"url alphabet", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.Repeat("_", 43)},
		{"space", good + " "},
		{"line break in salt", "$argon2id$v=19$m=64,t=1,p=1$\r" + salt + "$" + key},
		{"data parameter", "$argon2id$v=19$m=64,t=1,p=1,data=x$" + salt + "$" + key},
		{"too long", good + strings.Repeat("A", MaxEncodedLen)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parsePHC(tc.in); !errors.Is(err, ErrMalformedHash) {
				t.Errorf("got %v, want ErrMalformedHash", err)
			}
			if ok, err := Check(tc.in, "password"); ok || err == nil {
				t.Errorf("Check: got %v, %v, want false and an error", ok, err)
			}
		})
	}
}

func TestParsePHC_RoundTrip(t *testing.T) {
	h := mustHash(t, "password")
	parsed, err := parsePHC(h)
	if err != nil {
		t.Fatal(err)
	}
	if got := parsed.encode(); got != h {
		t.Errorf("got %q, want %q", got, h)
	}
	if parsed.params != testParams {
		t.Errorf("got %+v, want %+v", parsed.params, testParams)
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add(mustHash(f, "password"))
	f.Add("$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$")
	f.Add("$argon2id$v=19$$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			return
		}
		if got := h.encode(); got != s {
			t.Errorf("parsed %q, re-encoded as %q", s, got)
		}
		if !h.params.valid() {
			t.Errorf("parsed %q with parameters out of bounds: %+v", s, h.params)
		}
	})
}
