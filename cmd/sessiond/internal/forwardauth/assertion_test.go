package forwardauth

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// s0 is a fixed instant of the tests.
var s0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// TestLoadSigner_KeyKept checks that the signing key is made once, kept
// with mode 0600, and the same after a restart, as its kid shows.
func TestLoadSigner_KeyKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "forward-auth-key")
	s1, err := LoadSigner(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: got %v, %v; want mode 0600", fi, err)
	}
	s2, err := LoadSigner(path)
	if err != nil || s2.KeyID() != s1.KeyID() {
		t.Fatalf("second load: got kid %q, %v; want %q", s2.KeyID(), err, s1.KeyID())
	}
	other := NewSigner(make([]byte, 32))
	if other.KeyID() == s1.KeyID() {
		t.Errorf("two keys share the kid %q", s1.KeyID())
	}
	os.WriteFile(path, []byte("not base64\n"), 0o600)
	if _, err := LoadSigner(path); err == nil {
		t.Errorf("a damaged key file was accepted")
	}
}

// TestJWKS_PublicOnly checks the JWK Set: the public key under the kid
// assertions carry, no private member, cacheable.
func TestJWKS_PublicOnly(t *testing.T) {
	s := NewSigner(make([]byte, 32))
	w := httptest.NewRecorder()
	s.JWKS(w, httptest.NewRequest("GET", "/.well-known/jwks.json", nil))
	body := w.Body.String()
	if !strings.Contains(body, `"kid":"`+s.KeyID()+`"`) || !strings.Contains(body, `"crv":"Ed25519"`) || strings.Contains(body, `"d"`) {
		t.Errorf("JWKS: got %s, want the public key under its kid and no private member", body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/jwk-set+json" {
		t.Errorf("Content-Type: got %q", ct)
	}
	header, _, _ := strings.Cut(s.Sign("https://app.example", "alice", "sid", s0, nil, s0), ".")
	if header != strings.TrimSuffix(s.header, ".") {
		t.Errorf("assertion header: got %q, want the signer's", header)
	}
}

// TestSign_Reuse checks when an assertion is given again: for the same
// session, audience and claims within AssertionReuse of its issue, and
// never once a claim has changed, the reuse time has passed or the clock
// has gone back.
func TestSign_Reuse(t *testing.T) {
	s := NewSigner(make([]byte, 32))
	const aud, sub, sid = "https://app.example", "alice", "sid1"
	amr := []string{"pwd"}
	first := s.Sign(aud, sub, sid, s0, amr, s0)
	if got := s.Sign(aud, sub, sid, s0, []string{"pwd"}, s0.Add(AssertionReuse-time.Second)); got != first {
		t.Errorf("within the reuse time: got a new assertion, want the first again")
	}
	for name, again := range map[string]string{
		"reuse time over":  s.Sign(aud, sub, sid, s0, amr, s0.Add(AssertionReuse)),
		"clock went back":  s.Sign(aud, sub, sid, s0, amr, s0.Add(-time.Second)),
		"other audience":   s.Sign("https://other.example", sub, sid, s0, amr, s0),
		"other session":    s.Sign(aud, sub, "sid2", s0, amr, s0),
		"other user":       s.Sign(aud, "bob", sid, s0, amr, s0),
		"re-authenticated": s.Sign(aud, sub, sid, s0.Add(time.Minute), amr, s0.Add(time.Minute)),
		"other methods":    s.Sign(aud, sub, sid, s0, []string{"pwd", "totp"}, s0),
	} {
		if again == first {
			t.Errorf("%s: got the first assertion again, want a new one", name)
		}
	}
}

// TestSign_ReuseBounded checks that the assertions kept for reuse stay
// bounded however many sessions ask.
func TestSign_ReuseBounded(t *testing.T) {
	s := NewSigner(make([]byte, 32))
	for i := range maxReused + 10 {
		s.Sign("https://app.example", "alice", "sid"+strconv.Itoa(i), s0, nil, s0)
	}
	if n := len(s.reused); n > maxReused {
		t.Errorf("kept %d assertions, want at most %d", n, maxReused)
	}
}

// BenchmarkSign is the cost of an assertion: signed anew (the clock moves
// past AssertionReuse between calls) and reused.
func BenchmarkSign(b *testing.B) {
	s := NewSigner(make([]byte, 32))
	amr := []string{"pwd"}
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		now := s0
		for b.Loop() {
			now = now.Add(AssertionReuse)
			s.Sign("https://app.example", "alice", "sid", s0, amr, now)
		}
	})
	b.Run("reused", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.Sign("https://app.example", "alice", "sid", s0, amr, s0)
		}
	})
}
