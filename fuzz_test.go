package sessiond

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func FuzzParseToken(f *testing.F) {
	tok, _, _ := newToken(rand.Reader)
	for _, s := range []string{tok, "", "====", strings.Repeat("A", 43), strings.Repeat("-", 44), "é" + tok[2:]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := parseToken(s)
		if !ok {
			return
		}
		if len(s) != tokenLen {
			t.Fatalf("accepted %d-character token", len(s))
		}
		if b, err := base64.RawURLEncoding.Strict().DecodeString(s); err != nil || len(b) != tokenBytes {
			t.Fatalf("accepted %q, which strict base64url refuses: %v", s, err)
		}
		if h2, _ := parseToken(s); h2 != h {
			t.Fatalf("hash not deterministic")
		}
	})
}

func FuzzCookieValue(f *testing.F) {
	for _, s := range []string{
		"__Host-session=abc", "a=b; __Host-session=xyz; c=d", "__Host-session", "__Host-sessionx=1",
		";;;", "__Host-session==", " __Host-session = v ", "\x00__Host-session=v",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		h := http.Header{"Cookie": {line}}
		v, ok := cookieValue(h, DefaultCookieName)
		if !ok {
			return
		}
		if !strings.Contains(line, DefaultCookieName+"="+v) {
			t.Fatalf("value %q is not in %q", v, line)
		}
		if strings.Contains(v, ";") {
			t.Fatalf("value %q crosses a cookie boundary", v)
		}
	})
}

func FuzzOpenData(f *testing.F) {
	m, err := New(nopStore{}, Config{Keys: []Key{{ID: 7, Secret: make([]byte, 32)}}})
	if err != nil {
		f.Fatal(err)
	}
	good, _ := m.sealData("sid", map[string]json.RawMessage{"k": json.RawMessage(`"v"`)})
	f.Add(good)
	sealed, _ := m.keys.seal(rand.Reader, []byte(`{"a":1}`), []byte("sid"))
	f.Add(sealed)
	notJSON, _ := m.keys.seal(rand.Reader, []byte(`{"a":`), []byte("sid"))
	f.Add(notJSON)
	f.Add([]byte{1, 0, 0, 0, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		values, err := m.openData(&Record{ID: "sid", Data: data})
		if err != nil {
			return
		}
		// Whatever opens re-seals and opens to the same values.
		again, err := m.sealData("sid", values)
		if err != nil {
			t.Fatalf("reseal: %v", err)
		}
		back, err := m.openData(&Record{ID: "sid", Data: again})
		if err != nil || len(back) != len(values) {
			t.Fatalf("round trip: %v, %d values, want %d", err, len(back), len(values))
		}
	})
}

// nopStore is a Store that holds nothing, for tests that need a Manager but
// no sessions.
type nopStore struct{}

func (nopStore) Create(context.Context, *Record) error                     { return nil }
func (nopStore) Get(context.Context, string) (*Record, bool, error)        { return nil, false, nil }
func (nopStore) Find(context.Context, Hash) (*Record, bool, error)         { return nil, false, nil }
func (nopStore) Update(context.Context, *Record, int64) error              { return ErrConflict }
func (nopStore) Touch(context.Context, string, time.Time, time.Time) error { return nil }
func (nopStore) Delete(context.Context, string) error                      { return nil }
func (nopStore) ListUser(context.Context, string) ([]*Record, error)       { return nil, nil }
func (nopStore) DeleteAll(context.Context) (int, error)                    { return 0, nil }

func TestParseToken_AgreesWithStrictBase64(t *testing.T) {
	tok, _, _ := newToken(rand.Reader)
	for i := range 64 {
		s := tok[:42] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[i])
		_, err := base64.RawURLEncoding.Strict().DecodeString(s)
		if _, ok := parseToken(s); ok != (err == nil) {
			t.Errorf("parseToken(%q) = %v, strict base64 error %v", s, ok, err)
		}
	}
}

// FuzzNextPath checks that whatever a login page's "next" holds,
// NextPath answers the fallback or a path that a browser resolves on this
// site, also after it drops tabs and newlines and reads backslashes as
// slashes, as browsers do.
func FuzzNextPath(f *testing.F) {
	for _, seed := range []string{"/account", "//evil", "/\\evil", "/\t/evil", "https://evil/", "/a?b=//c", "/%2F%2Fevil", "\x00/"} {
		f.Add(seed)
	}
	base, _ := url.Parse("https://site.example/dir/page")
	f.Fuzz(func(t *testing.T, next string) {
		got := NextPath(next, "/fallback")
		if got == "/fallback" {
			return
		}
		seen := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		u, err := url.Parse(seen)
		if err != nil || strings.HasPrefix(seen, "//") || base.ResolveReference(u).Host != "site.example" {
			t.Fatalf("NextPath(%q) = %q, which a browser may read as another site's address", next, got)
		}
	})
}
