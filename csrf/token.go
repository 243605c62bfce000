package csrf

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"html/template"
	"io"
	"mime"
	"net/http"
	"sync"
)

// Token returns a fresh masked token for a form or a header of the
// response to r: each call gives different text, and all of them are
// valid until the session (or pre-session) ends.
//
// For an anonymous request (SessionID returns "") the token is bound to a
// pre-session: Token sets the [PreSessionCookie] on w when the browser has
// none, or when its pre-session is in the second half of its life. Call it
// before the response's header is written. The response is marked
// "Cache-Control: no-store": a page that carries a token belongs to one
// browser.
//
// Token returns "" only when Config.Rand fails; the form then fails
// closed on submission.
func (p *Protection) Token(w http.ResponseWriter, r *http.Request) string {
	noStore(w.Header())
	t, ok := p.issued(w, r)
	if !ok {
		return ""
	}
	tok, err := mask(&t, p.cfg.Rand)
	if err != nil {
		return ""
	}
	return tok
}

// TemplateField returns a hidden input that carries [Protection.Token],
// named Config.FieldName, for an html/template form:
//
//	<form method="post">{{.CSRF}} ... </form>
//
// with data.CSRF = p.TemplateField(w, r) computed before the template
// writes anything.
func (p *Protection) TemplateField(w http.ResponseWriter, r *http.Request) template.HTML {
	return template.HTML(p.field + p.Token(w, r) + `">`)
}

// noStore marks a response "Cache-Control: no-store", unless it is
// already.
func noStore(h http.Header) {
	if v := h["Cache-Control"]; len(v) != 1 || v[0] != "no-store" {
		h.Set("Cache-Control", "no-store")
	}
}

// checkToken refuses r unless it carries a token bound to its session or
// pre-session.
func (p *Protection) checkToken(w http.ResponseWriter, r *http.Request) error {
	tok, err := p.requestToken(w, r)
	if err != nil {
		return err
	}
	if tok == "" {
		return ErrMissingToken
	}
	want, ok := p.expected(r)
	if !ok || !matches(tok, &want) {
		return ErrBadToken
	}
	return nil
}

// requestToken returns the token r carries: the header first, then the
// form field of a form body. It never reads the URL query or a cookie: a
// token there would leak into logs and Referer headers, or be sent by the
// browser with a forged request.
func (p *Protection) requestToken(w http.ResponseWriter, r *http.Request) (string, error) {
	if tok := r.Header.Get(p.cfg.HeaderName); tok != "" {
		return tok, nil
	}
	multipart, ok := formBody(r)
	if !ok {
		return "", nil
	}
	if err := p.parseForm(w, r, multipart); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMissingToken, err)
	}
	return r.PostForm.Get(p.cfg.FieldName), nil
}

// formBody reports whether r's body is a form, and whether a multipart
// one.
func formBody(r *http.Request) (multipart, ok bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil:
		return false, false
	case mt == "multipart/form-data":
		return true, true
	}
	return false, mt == "application/x-www-form-urlencoded"
}

// parseForm parses r's form body, bounded by Config.MaxFormBytes unless
// it was parsed already. Only r.PostForm is read afterwards: r.Form would
// mix in the URL query.
func (p *Protection) parseForm(w http.ResponseWriter, r *http.Request, multipart bool) error {
	if r.PostForm == nil && r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, p.cfg.MaxFormBytes)
	}
	if multipart {
		// The whole bounded body may stay in memory: no temporary files.
		return r.ParseMultipartForm(p.cfg.MaxFormBytes)
	}
	return r.ParseForm()
}

// A token is bound to what identifies the browser: its session when it has
// one, its pre-session otherwise. The token is HMAC(key, label || id).

// Domain labels of the two kinds of binding. Neither is a prefix of the
// other, so no session id and pre-session id give the same message.
const (
	sessionLabel    = "csrf\x00session\x00"
	preSessionLabel = "csrf\x00pre-session\x00"
)

// issued returns the token to put in a form of the response to r, making
// a pre-session (and setting its cookie on w) for an anonymous request.
func (p *Protection) issued(w http.ResponseWriter, r *http.Request) (t [macSize]byte, ok bool) {
	if sid := p.cfg.SessionID(r); sid != "" {
		return p.tokens.sum(sessionLabel, sid), true
	}
	s, ok := p.ensurePreSession(w, r)
	if !ok {
		return t, false
	}
	return p.preSessionToken(s), true
}

// expected returns the token a request's form must carry: bound to its
// session, or to its live pre-session when anonymous. ok is false when the
// request has neither, and no token can be valid.
func (p *Protection) expected(r *http.Request) (t [macSize]byte, ok bool) {
	if sid := p.cfg.SessionID(r); sid != "" {
		return p.tokens.sum(sessionLabel, sid), true
	}
	s, ok := p.requestPreSession(r)
	if !ok {
		return t, false
	}
	return p.preSessionToken(s), true
}

// preSessionToken is the token bound to the pre-session s.
func (p *Protection) preSessionToken(s preSession) [macSize]byte {
	return p.tokens.sum(preSessionLabel, string(s.id[:]))
}

// maskedLen is the length of a token as sent: unpadded base64url of a
// 32-byte mask followed by the 32-byte token XOR the mask.
var maskedLen = base64.RawURLEncoding.EncodedLen(2 * macSize)

// strict decodes unpadded base64url and refuses stray bits in the last
// character, so one token has exactly one text.
var strict = base64.RawURLEncoding.Strict()

// mask returns t hidden under a fresh one-time pad read from rnd:
// base64url(M || M XOR t). Every response thus carries different bytes
// for the same token, so compression (BREACH) cannot recover it.
func mask(t *[macSize]byte, rnd io.Reader) (string, error) {
	b := make([]byte, 2*macSize+maskedLen) // pad, masked token, then text
	if _, err := io.ReadFull(rnd, b[:macSize]); err != nil {
		return "", err
	}
	subtle.XORBytes(b[macSize:2*macSize], b[:macSize], t[:])
	base64.RawURLEncoding.Encode(b[2*macSize:], b[:2*macSize])
	return string(b[2*macSize:]), nil
}

// unmask parses a masked token and returns the token under the pad. It
// refuses anything but the exact shape mask produces.
func unmask(s string) ([macSize]byte, bool) {
	var b [2 * macSize]byte
	var t [macSize]byte
	if len(s) != maskedLen {
		return t, false
	}
	if n, err := strict.Decode(b[:], []byte(s)); err != nil || n != len(b) {
		return t, false
	}
	subtle.XORBytes(t[:], b[:macSize], b[macSize:])
	return t, true
}

// matches reports in constant time whether the masked token s carries
// want.
func matches(s string, want *[macSize]byte) bool {
	t, ok := unmask(s)
	return ok && subtle.ConstantTimeCompare(t[:], want[:]) == 1
}

// macSize is the size of every MAC and of the unmasked token: 256 bits.
const macSize = sha256.Size

// macer computes HMAC-SHA256 under one key. Keyed hash states are pooled,
// with a scratch buffer each: keying a state costs two SHA-256 blocks,
// as much as the message itself, and the pool keeps the hot path free of
// allocations.
type macer struct {
	pool sync.Pool // of *macState
}

// macState is a keyed HMAC and the buffers it works in.
type macState struct {
	h   hash.Hash
	msg []byte
	out [macSize]byte
}

// newMacer returns a macer whose key is derived from key for one purpose
// (HMAC(key, purpose)), so the token and the cookie MACs never share a key
// and neither can stand in for the other.
func newMacer(key []byte, purpose string) *macer {
	d := hmac.New(sha256.New, key)
	d.Write([]byte(purpose))
	sub := d.Sum(nil)
	return &macer{pool: sync.Pool{New: func() any {
		return &macState{h: hmac.New(sha256.New, sub)}
	}}}
}

// sum returns the MAC of a || b.
func (m *macer) sum(a, b string) [macSize]byte {
	s := m.pool.Get().(*macState)
	defer m.pool.Put(s)
	s.msg = append(append(s.msg[:0], a...), b...)
	s.h.Reset()
	s.h.Write(s.msg)
	s.h.Sum(s.out[:0])
	if cap(s.msg) > 1024 {
		s.msg = nil // an outsized id is not kept for the pool's lifetime
	}
	return s.out
}
