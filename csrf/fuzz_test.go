package csrf

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// fuzzKey is the key of the fuzz targets' Protection.
var fuzzKey = bytes.Repeat([]byte{7}, 32)

// fuzzProtection binds every request to the session "s1".
func fuzzProtection() *Protection {
	return New(Config{Key: fuzzKey, SessionID: func(*http.Request) string { return "s1" }})
}

// oracleToken computes the token of session sid from the key, apart
// from the package's own code.
func oracleToken(key []byte, sid string) []byte {
	d := hmac.New(sha256.New, key)
	d.Write([]byte("sessiond csrf token"))
	m := hmac.New(sha256.New, d.Sum(nil))
	m.Write([]byte("csrf\x00session\x00" + sid))
	return m.Sum(nil)
}

// carries reports whether the masked token s carries want.
func carries(s string, want []byte) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != 64 {
		return false
	}
	for i := range 32 {
		b[i] ^= b[32+i]
	}
	return bytes.Equal(b[:32], want)
}

func FuzzCheck(f *testing.F) {
	p := fuzzProtection()
	tok := p.Token(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	for _, origin := range []string{"", "null", "https://app.example", "http://app.example", "https://evil.example", "https://app.example:443", "https://app.example/"} {
		for _, sfs := range []string{"", "same-origin", "same-site", "cross-site", "none"} {
			f.Add("POST", "app.example", origin, sfs, tok)
		}
	}
	f.Add("GET", "app.example", "null", "cross-site", "")
	f.Add("DELETE", "app.example", "https://app.example", "", tok[1:])
	f.Add("POST", "", "https://", "", tok)
	f.Add("PUT", "[::1]:8443", "https://[::1]:8443", "", tok)
	want := oracleToken(fuzzKey, "s1")
	known := []error{ErrCrossOrigin, ErrNoOrigin, ErrNullOrigin, ErrMissingToken, ErrBadToken}
	f.Fuzz(func(t *testing.T, method, host, origin, sfs, token string) {
		r := &http.Request{
			Method: method, Host: host, URL: &url.URL{Path: "/"},
			Header: http.Header{}, Body: http.NoBody,
		}
		setIf(r.Header, "Origin", origin)
		setIf(r.Header, "Sec-Fetch-Site", sfs)
		setIf(r.Header, "X-Csrf-Token", token)
		err := p.Check(r)
		if err != nil {
			if !isOneOf(err, known) {
				t.Fatalf("got %v, want one of the package's errors", err)
			}
			return
		}
		if safeMethod(method) {
			return
		}
		switch {
		case !carries(token, want):
			t.Fatalf("token %q passed without carrying the session's token", token)
		case origin != "" && (host == "" || origin != "https://"+host && origin != "http://"+host):
			t.Fatalf("Origin %q passed, want only the site's own", origin)
		case sfs != "" && sfs != "same-origin" && sfs != "none":
			t.Fatalf("Sec-Fetch-Site %q passed", sfs)
		case origin == "" && sfs == "":
			t.Fatal("passed without Origin or Sec-Fetch-Site")
		}
	})
}

// setIf sets header k to v when v is not empty.
func setIf(h http.Header, k, v string) {
	if v != "" {
		h[k] = []string{v}
	}
}

// isOneOf reports whether err is one of targets.
func isOneOf(err error, targets []error) bool {
	for _, target := range targets {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

func FuzzParseToken(f *testing.F) {
	p := fuzzProtection()
	tok := p.Token(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	f.Add(tok)
	f.Add(tok[:85] + "B")
	f.Add(tok + "==")
	f.Add("")
	f.Add(string(make([]byte, 86)))
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := unmask(s)
		if !ok {
			return
		}
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || base64.RawURLEncoding.EncodeToString(b) != s {
			t.Fatalf("unmask accepted %q, which is not canonical base64url", s)
		}
		for i := range got {
			if got[i] != b[i]^b[32+i] {
				t.Fatalf("unmask(%q) = %x, want the XOR of its halves", s, got)
			}
		}
	})
}

func FuzzPreSessionCookie(f *testing.F) {
	p := fuzzProtection()
	f.Add(p.seal(preSession{exp: 1 << 40}))
	f.Add(p.seal(preSession{id: [32]byte{1}, exp: -1}))
	f.Add("")
	f.Add("not a cookie")
	f.Fuzz(func(t *testing.T, v string) {
		s, ok := p.open(v)
		if ok && p.seal(s) != v {
			t.Fatalf("open accepted %q, which seal does not produce", v)
		}
	})
}
