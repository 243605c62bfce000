package csrf

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"
	"time"
)

// PreSessionCookie is the name of the cookie that holds an anonymous
// browser's pre-session. The __Host- prefix makes browsers insist on
// Secure, Path=/ and no Domain, so neither plain HTTP nor a sibling
// subdomain can plant one.
const PreSessionCookie = "__Host-csrf-pre"

// preIDSize is the entropy of a pre-session id: 256 bits.
const preIDSize = 32

// preValueLen is the length of a pre-session cookie value: unpadded
// base64url of id || expiry (Unix seconds, big-endian) || MAC.
var preValueLen = base64.RawURLEncoding.EncodedLen(preIDSize + 8 + macSize)

// preCookieLabel starts the message of a pre-session cookie's MAC.
const preCookieLabel = "csrf\x00pre-session cookie\x00"

// preSession is an anonymous browser's pre-session: a random id the
// browser holds in a MACed cookie, until exp.
type preSession struct {
	id  [preIDSize]byte
	exp int64 // Unix seconds
}

// seal encodes s as a cookie value, with a MAC over id and expiry.
func (p *Protection) seal(s preSession) string {
	var b [preIDSize + 8 + macSize]byte
	copy(b[:], s.id[:])
	binary.BigEndian.PutUint64(b[preIDSize:], uint64(s.exp))
	mac := p.cookies.sum(preCookieLabel, string(b[:preIDSize+8]))
	copy(b[preIDSize+8:], mac[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// open decodes a cookie value sealed by seal and checks its MAC. It does
// not look at the expiry.
func (p *Protection) open(v string) (preSession, bool) {
	var b [preIDSize + 8 + macSize]byte
	if len(v) != preValueLen {
		return preSession{}, false
	}
	if n, err := strict.Decode(b[:], []byte(v)); err != nil || n != len(b) {
		return preSession{}, false
	}
	mac := p.cookies.sum(preCookieLabel, string(b[:preIDSize+8]))
	if subtle.ConstantTimeCompare(mac[:], b[preIDSize+8:]) != 1 {
		return preSession{}, false
	}
	s := preSession{exp: int64(binary.BigEndian.Uint64(b[preIDSize:]))}
	copy(s.id[:], b[:preIDSize])
	return s, true
}

// live reports whether s exists and has not expired.
func (p *Protection) live(s preSession, ok bool) bool {
	return ok && p.cfg.Now().Unix() < s.exp
}

// requestPreSession returns the live pre-session of r's cookie. Only the
// first cookie of that name counts: the __Host- prefix keeps others from
// planting a second one.
func (p *Protection) requestPreSession(r *http.Request) (preSession, bool) {
	c, err := r.Cookie(PreSessionCookie)
	if err != nil {
		return preSession{}, false
	}
	s, ok := p.open(c.Value)
	return s, p.live(s, ok)
}

// responsePreSession returns the pre-session that an earlier call of
// Token in this request already set on w, so that two forms on one page
// share one pre-session.
func (p *Protection) responsePreSession(w http.ResponseWriter) (preSession, bool) {
	for _, line := range w.Header()["Set-Cookie"] {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == PreSessionCookie {
			s, ok := p.open(c.Value)
			return s, p.live(s, ok)
		}
	}
	return preSession{}, false
}

// ensurePreSession returns the pre-session of an anonymous request,
// making one if it has none. It (re)sets the cookie when it made one or
// when less than half of PreSessionTTL remains, keeping the id so that
// forms already served stay valid.
func (p *Protection) ensurePreSession(w http.ResponseWriter, r *http.Request) (preSession, bool) {
	if s, ok := p.responsePreSession(w); ok {
		return s, true
	}
	s, ok := p.requestPreSession(r)
	if !ok {
		if _, err := io.ReadFull(p.cfg.Rand, s.id[:]); err != nil {
			return preSession{}, false
		}
	}
	now := p.cfg.Now()
	if !ok || time.Unix(s.exp, 0).Sub(now) < p.cfg.PreSessionTTL/2 {
		s.exp = now.Add(p.cfg.PreSessionTTL).Unix()
		http.SetCookie(w, p.preCookie(s))
	}
	return s, true
}

// preCookie is the cookie that carries s: Secure, HttpOnly, SameSite=Lax,
// Path=/, no Domain, and a Max-Age that ends with the pre-session.
func (p *Protection) preCookie(s preSession) *http.Cookie {
	return &http.Cookie{
		Name:     PreSessionCookie,
		Value:    p.seal(s),
		Path:     "/",
		MaxAge:   int(p.cfg.PreSessionTTL / time.Second),
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}
