package sessiond

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// es256Proof returns a proof signed with a fresh P-256 key, carrying its
// JWK, and the JWK.
func es256Proof(t testing.TB, jti string) (string, string) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	enc := base64.RawURLEncoding.EncodeToString
	var x, y [32]byte
	k.X.FillBytes(x[:])
	k.Y.FillBytes(y[:])
	jwkJSON := `{"crv":"P-256","kty":"EC","x":"` + enc(x[:]) + `","y":"` + enc(y[:]) + `"}`
	input := enc([]byte(`{"alg":"ES256","typ":"dbsc+jwt","jwk":`+jwkJSON+`}`)) + "." + enc([]byte(`{"jti":"`+jti+`","authorization":"a"}`))
	d := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, k, d[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + enc(sig), jwkJSON
}

func TestParseProof_VerifiesOnlyWithItsKey(t *testing.T) {
	raw, _ := es256Proof(t, "c1")
	p, err := parseProof(raw)
	if err != nil {
		t.Fatal(err)
	}
	key, err := parseJWK(p.jwk)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.verify(key.alg, key.key); err != nil {
		t.Errorf("its own key: %v", err)
	}
	if err := p.verify(algRS256, key.key); refusalReason(err) != ReasonDeviceBadAlg {
		t.Errorf("RS256 with an EC key: got %v, want bad_alg", err)
	}
	_, otherJWK := es256Proof(t, "c1")
	other, _ := parseJWK([]byte(otherJWK))
	if err := p.verify(other.alg, other.key); refusalReason(err) != ReasonDeviceBadSignature {
		t.Errorf("another key: got %v, want bad_signature", err)
	}
	flipped := []byte(raw)
	flipped[len(flipped)-3] ^= 1
	if q, err := parseProof(string(flipped)); err == nil && q.verify(key.alg, key.key) == nil {
		t.Errorf("flipped signature verified")
	}
}

func TestParseJWK_Canonical(t *testing.T) {
	_, j := es256Proof(t, "c")
	var m map[string]string
	json.Unmarshal([]byte(j), &m)
	shuffled, _ := json.Marshal(map[string]string{"y": m["y"], "x": m["x"], "kty": "EC", "crv": "P-256", "kid": "k1"})
	k, err := parseJWK(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if k.canonical != j {
		t.Errorf("canonical: got %s, want %s", k.canonical, j)
	}
	offCurve := strings.Replace(j, m["y"], m["x"], 1)
	for _, bad := range []string{offCurve, `{"kty":"EC","crv":"P-384"}`, `{"kty":"oct","k":"AAAA"}`, `null`, `{"kty":"RSA","n":"AQAB","e":"AQAB"}`} {
		if _, err := parseJWK([]byte(bad)); err == nil {
			t.Errorf("parseJWK(%s): accepted", bad)
		}
	}
}

func TestParseSFItem(t *testing.T) {
	tests := []struct {
		in     string
		value  string
		params map[string]string
		ok     bool
	}{
		{`unreachable;session_identifier="s1"`, "unreachable", map[string]string{"session_identifier": "s1"}, true},
		{`"c2";id="s1"`, "c2", map[string]string{"id": "s1"}, true},
		{`tok; a=1;b;c=?0;d=-5;e=x`, "tok", map[string]string{"a": "1", "b": "?1", "c": "?0", "d": "-5", "e": "x"}, true},
		{`"a\"b\\c"`, `a"b\c`, nil, true},
		{`"unterminated`, "", nil, false},
		{`"bad\escape"`, "", nil, false},
		{`tok;A=1`, "", nil, false},
		{`tok;a=`, "", nil, false},
		{`1tok`, "", nil, false},
		{`tok trailing`, "", nil, false},
		{``, "", nil, false},
		{"\"tab\there\"", "", nil, false},
	}
	for _, tc := range tests {
		item, ok := parseSFItem(tc.in)
		if ok != tc.ok || item.value != tc.value || len(item.params) != len(tc.params) {
			t.Errorf("parseSFItem(%q) = %+v, %t; want %q %v, %t", tc.in, item, ok, tc.value, tc.params, tc.ok)
			continue
		}
		for k, v := range tc.params {
			if item.params[k] != v {
				t.Errorf("parseSFItem(%q) param %s = %q, want %q", tc.in, k, item.params[k], v)
			}
		}
	}
}

func TestParseSessionIDHeader(t *testing.T) {
	for in, want := range map[string]string{"s1": "s1", `"s1"`: "s1", "-3x_": "-3x_", " abc ": "abc"} {
		if got, ok := parseSessionIDHeader(in); !ok || got != want {
			t.Errorf("parseSessionIDHeader(%q) = %q, %t; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", `"a";b=1`, "a b", "a;b", "é"} {
		if got, ok := parseSessionIDHeader(in); ok {
			t.Errorf("parseSessionIDHeader(%q) = %q, want refused", in, got)
		}
	}
}

func TestChallenge_BoundToSessionGenerationAndTime(t *testing.T) {
	d, err := newDeviceBinding(DeviceBindingConfig{ChallengeLifetime: time.Minute}, []Key{{ID: 3, Secret: make([]byte, 32)}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := d.challenge("sid", 4, now)
	cases := []struct {
		name, sid string
		gen       int64
		at        time.Time
		reason    string
	}{
		{"Good", "sid", 4, now, ""},
		{"OtherSession", "sid2", 4, now, ReasonDeviceBadChallenge},
		{"UsedGeneration", "sid", 5, now, ReasonDeviceBadChallenge},
		{"Expired", "sid", 4, now.Add(time.Minute), ReasonDeviceExpired},
	}
	for _, tc := range cases {
		err := d.checkChallenge(c, tc.sid, tc.gen, tc.at)
		if (err == nil) != (tc.reason == "") || (err != nil && refusalReason(err) != tc.reason) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.reason)
		}
	}
	other, _ := newDeviceBinding(DeviceBindingConfig{ChallengeLifetime: time.Minute}, []Key{{ID: 3, Secret: []byte(strings.Repeat("k", 32))}})
	if other.checkChallenge(c, "sid", 4, now) == nil {
		t.Errorf("a challenge of another key accepted")
	}
	if err := d.checkAuthorization(d.authorization("sid"), "sid"); err != nil {
		t.Errorf("authorization: %v", err)
	}
	if err := d.checkAuthorization(d.authorization("sid"), "other"); err == nil {
		t.Errorf("authorization of another session accepted")
	}
}

func FuzzParseProof(f *testing.F) {
	good, _ := es256Proof(f, "c1")
	for _, s := range []string{good, "", "..", "a.b.c", "e30.e30.", good + ".x", strings.Repeat("A", maxProofLen+1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseProof(s)
		if err != nil {
			if refusalReason(err) == ReasonDeviceStoreError {
				t.Fatalf("parse error without a reason: %v", err)
			}
			return
		}
		if p.alg != algES256 && p.alg != algRS256 {
			t.Fatalf("accepted alg %q", p.alg)
		}
		if p.jti == "" || !strings.HasPrefix(s, p.signed+".") {
			t.Fatalf("accepted %q with jti %q, signed part %q", s, p.jti, p.signed)
		}
		if key, err := parseJWK(p.jwk); err == nil {
			p.verify(key.alg, key.key) // must not panic
		}
	})
}

func FuzzParseJWK(f *testing.F) {
	_, j := es256Proof(f, "c")
	for _, s := range []string{j, `{"kty":"RSA","n":"AQAB","e":"AQAB"}`, `{"kty":"EC"}`, `{}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := parseJWK(b)
		if err != nil {
			return
		}
		again, err := parseJWK([]byte(k.canonical))
		if err != nil || again.canonical != k.canonical || again.alg != k.alg {
			t.Fatalf("canonical form %s does not parse to itself: %v", k.canonical, err)
		}
	})
}

func FuzzStructuredHeaders(f *testing.F) {
	for _, s := range []string{`unreachable;session_identifier="s1"`, `"c";id="s"`, `a;b;c=?1;d=-12`, `"\\\""`, `s1`, `-_x`, `?1`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if item, ok := parseSFItem(s); ok {
			for k := range item.params {
				if k == "" || k[0] < 'a' && k[0] != '*' {
					t.Fatalf("accepted key %q", k)
				}
			}
		}
		if id, ok := parseSessionIDHeader(s); ok && (id == "" || len(id) > maxHeaderLen) {
			t.Fatalf("accepted session id %q", id)
		}
		if r, ok := parseSkipped(s, "s1"); ok && !strings.HasPrefix(r, "skipped") {
			t.Fatalf("reason %q is none of the skip reasons", r)
		}
	})
}

func FuzzCheckChallenge(f *testing.F) {
	d, _ := newDeviceBinding(DeviceBindingConfig{ChallengeLifetime: time.Minute}, []Key{{ID: 1, Secret: make([]byte, 32)}})
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	good := d.challenge("sid", 1, now)
	f.Add(good)
	f.Add("")
	f.Add(strings.Repeat("A", 48))
	f.Fuzz(func(t *testing.T, c string) {
		if d.checkChallenge(c, "sid", 1, now) == nil && c != good {
			t.Fatalf("accepted %q, which was never issued", c)
		}
	})
}
