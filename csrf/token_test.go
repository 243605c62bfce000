package csrf_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/csrf"
)

// flip returns tok with the character at i changed to another base64url
// character.
func flip(tok string, i int) string {
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

// unmasked returns the raw token under the masked token tok, as an
// attacker who strips the pad would send it.
func unmasked(t *testing.T, tok string) string {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = b[i] ^ b[32+i]
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

// zeroMask re-masks tok under an all-zero pad: the same token, other text.
func zeroMask(t *testing.T, tok string) string {
	return base64.RawURLEncoding.EncodeToString(append(make([]byte, 32), mustDecode(t, unmasked(t, tok))...))
}

func mustDecode(t *testing.T, s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheck_Token_R41(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	for !strings.ContainsAny(tok, "-_") { // so that standard base64 differs
		tok, _ = issue(t, p, "s1")
	}
	other, _ := issue(t, p, "s2")
	foreignKey, _ := issue(t, csrf.New(csrf.Config{SessionID: sessionID}), "s1")
	tests := []struct {
		name, tok string
		want      error
	}{
		{"valid", tok, nil},
		{"remasked", zeroMask(t, tok), nil},
		{"missing", "", csrf.ErrMissingToken},
		{"other session", other, csrf.ErrBadToken},
		{"other key", foreignKey, csrf.ErrBadToken},
		{"unmasked", unmasked(t, tok), csrf.ErrBadToken},
		{"flipped first", flip(tok, 0), csrf.ErrBadToken},
		{"flipped middle", flip(tok, 50), csrf.ErrBadToken},
		{"flipped last", flip(tok, len(tok)-1), csrf.ErrBadToken},
		{"truncated", tok[:len(tok)-1], csrf.ErrBadToken},
		{"extended", tok + "A", csrf.ErrBadToken},
		{"padded", tok + "==", csrf.ErrBadToken},
		{"standard base64", strings.NewReplacer("-", "+", "_", "/").Replace(tok), csrf.ErrBadToken},
		{"oversized", strings.Repeat("A", 1<<16), csrf.ErrBadToken},
		{"non-ASCII", strings.Repeat("é", 43), csrf.ErrBadToken},
		{"injection", `"><script>alert(1)</script>`, csrf.ErrBadToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, in := range []string{"header", "field"} {
				r := withSession(postToken(tt.tok), "s1")
				if in == "header" {
					r = withSession(post("/", nil), "s1")
					r.Header.Set(csrf.DefaultHeaderName, tt.tok)
				}
				err := p.Check(r)
				if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
					t.Errorf("%s: got %s, want %s", in, errString(err), errString(tt.want))
				}
			}
		})
	}
}

func TestCheck_StaleToken_R41(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	// The session ended (logout, expiry, new login): its successor has
	// another id.
	err := p.Check(withSession(postToken(tok), "s1-next"))
	if !errors.Is(err, csrf.ErrBadToken) {
		t.Fatalf("got %s, want %v", errString(err), csrf.ErrBadToken)
	}
}

func TestToken_MaskedPerResponse_R41(t *testing.T) {
	p := newProtection(newClock(), nil)
	seen := map[string]bool{}
	for range 200 {
		tok, _ := issue(t, p, "s1")
		if seen[tok] {
			t.Fatalf("token %q served twice; want a fresh mask per response", tok)
		}
		seen[tok] = true
		if err := p.Check(withSession(postToken(tok), "s1")); err != nil {
			t.Fatalf("got %s, want <nil>", errString(err))
		}
	}
}

func TestCheck_TokenInQueryIgnored_R9(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	q := "?" + url.Values{csrf.DefaultFieldName: {tok}, csrf.DefaultHeaderName: {tok}}.Encode()
	tests := []struct {
		name string
		r    *http.Request
	}{
		{"empty form", post("/"+q, nil)},
		{"form without the field", post("/"+q, url.Values{"name": {"x"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Check(withSession(tt.r, "s1"))
			if !errors.Is(err, csrf.ErrMissingToken) {
				t.Fatalf("got %s, want %v", errString(err), csrf.ErrMissingToken)
			}
		})
	}
}

func TestCheck_TokenInCookieIgnored_R9(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	r := withSession(post("/", nil), "s1")
	for _, name := range []string{csrf.DefaultFieldName, csrf.DefaultHeaderName, "csrf"} {
		r.AddCookie(&http.Cookie{Name: name, Value: tok})
	}
	if err := p.Check(r); !errors.Is(err, csrf.ErrMissingToken) {
		t.Fatalf("got %s, want %v", errString(err), csrf.ErrMissingToken)
	}
}

func TestCheck_TokenInOtherHeaderIgnored_R9(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	r := withSession(post("/", nil), "s1")
	r.Header.Set("X-XSRF-Token", tok)
	r.Header.Set("Authorization", "Bearer "+tok)
	if err := p.Check(r); !errors.Is(err, csrf.ErrMissingToken) {
		t.Fatalf("got %s, want %v", errString(err), csrf.ErrMissingToken)
	}
}

func TestCheck_HeaderBeforeField_R41(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	r := withSession(postToken(tok), "s1")
	r.Header.Set(csrf.DefaultHeaderName, flip(tok, 10))
	if err := p.Check(r); !errors.Is(err, csrf.ErrBadToken) {
		t.Fatalf("got %s, want %v: a bad header is not rescued by the field", errString(err), csrf.ErrBadToken)
	}
}

func TestCheck_BodyKinds_R41(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField(csrf.DefaultFieldName, tok)
	f, _ := mw.CreateFormFile("upload", "a.txt")
	f.Write([]byte("content"))
	mw.Close()
	tests := []struct {
		name, contentType, body string
		want                    error
	}{
		{"url-encoded", "application/x-www-form-urlencoded", csrf.DefaultFieldName + "=" + tok, nil},
		{"url-encoded with charset", "application/x-www-form-urlencoded; charset=utf-8", csrf.DefaultFieldName + "=" + tok, nil},
		{"multipart", mw.FormDataContentType(), mp.String(), nil},
		{"json body is not read", "application/json", `{"csrf_token":"` + tok + `"}`, csrf.ErrMissingToken},
		{"text/plain is not read", "text/plain", csrf.DefaultFieldName + "=" + tok, csrf.ErrMissingToken},
		{"no content type", "", csrf.DefaultFieldName + "=" + tok, csrf.ErrMissingToken},
		{"broken multipart", "multipart/form-data; boundary=x", "garbage", csrf.ErrMissingToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := withSession(post("/", nil), "s1")
			r.Body = io.NopCloser(strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.contentType)
			if err := p.Check(r); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %s, want %s", errString(err), errString(tt.want))
			}
		})
	}
}

func TestCheck_FormBodyBounded(t *testing.T) {
	p := newProtection(newClock(), func(c *csrf.Config) { c.MaxFormBytes = 1024 })
	tok, _ := issue(t, p, "s1")
	r := withSession(post("/", url.Values{"pad": {strings.Repeat("x", 2048)}, csrf.DefaultFieldName: {tok}}), "s1")
	err := p.Check(r)
	var tooLarge *http.MaxBytesError
	if !errors.Is(err, csrf.ErrMissingToken) || !errors.As(err, &tooLarge) {
		t.Fatalf("got %s, want %v wrapping *http.MaxBytesError", errString(err), csrf.ErrMissingToken)
	}
}

func TestCheck_FormStaysReadable(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	var got string
	h := p.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.PostFormValue("name")
	}))
	h.ServeHTTP(httptest.NewRecorder(), withSession(post("/", url.Values{"name": {"Ada"}, csrf.DefaultFieldName: {tok}}), "s1"))
	if got != "Ada" {
		t.Fatalf("form field after Check: got %q, want %q", got, "Ada")
	}
}

func TestCheck_CustomNames(t *testing.T) {
	p := newProtection(newClock(), func(c *csrf.Config) {
		c.FieldName = "_csrf"
		c.HeaderName = "x-request-token"
	})
	tok, _ := issue(t, p, "s1")
	field := withSession(post("/", url.Values{"_csrf": {tok}}), "s1")
	header := withSession(post("/", nil), "s1")
	header.Header.Set("X-Request-Token", tok)
	old := withSession(postToken(tok), "s1")
	for name, tt := range map[string]struct {
		r    *http.Request
		want error
	}{"field": {field, nil}, "header": {header, nil}, "default field": {old, csrf.ErrMissingToken}} {
		if err := p.Check(tt.r); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
			t.Errorf("%s: got %s, want %s", name, errString(err), errString(tt.want))
		}
	}
}

func TestTemplateField(t *testing.T) {
	p := newProtection(newClock(), func(c *csrf.Config) { c.FieldName = `a"b` })
	w := httptest.NewRecorder()
	got := string(p.TemplateField(w, withSession(get("/"), "s1")))
	prefix := `<input type="hidden" name="a&#34;b" value="`
	if !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, `">`) {
		t.Fatalf("got %q, want %q + token + %q", got, prefix, `">`)
	}
	tok := strings.TrimSuffix(strings.TrimPrefix(got, prefix), `">`)
	if err := p.Check(withSession(post("/", url.Values{`a"b`: {tok}}), "s1")); err != nil {
		t.Fatalf("token of the field: got %s, want <nil>", errString(err))
	}
}

func TestToken_NoStore_R46(t *testing.T) {
	p := newProtection(newClock(), nil)
	w := httptest.NewRecorder()
	p.Token(w, withSession(get("/"), "s1"))
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Fatalf("Cache-Control: got %q, want %q", got, "no-store")
	}
}

func TestToken_RandFails(t *testing.T) {
	p := newProtection(newClock(), func(c *csrf.Config) { c.Rand = strings.NewReader("") })
	for _, sid := range []string{"s1", ""} {
		if got := p.Token(httptest.NewRecorder(), withSession(get("/"), sid)); got != "" {
			t.Errorf("session %q: got %q, want \"\"", sid, got)
		}
	}
}
