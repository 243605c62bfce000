package sessiond

import (
	"net/http"
	"strings"
	"time"
)

// sessionCookie is the cookie that carries tok for the session rec: Secure,
// HttpOnly, Path=/, no Domain (the __Host- prefix demands all three), and no
// Max-Age unless the session is persistent, when it ends no later than the
// absolute deadline.
func (m *Manager) sessionCookie(tok string, rec *Record) *http.Cookie {
	c := m.baseCookie()
	c.Value = tok
	if rec.Persistent {
		// Whole seconds, rounded down, so the cookie never outlives the
		// session; a session this close to its end gets no Max-Age at all
		// and dies with the browser or the server's check, whichever first.
		c.MaxAge = max(int(rec.AbsoluteExpiresAt.Sub(m.now())/time.Second), 0)
	}
	return c
}

// expiredCookie tells the browser to drop the session cookie.
func (m *Manager) expiredCookie() *http.Cookie {
	c := m.baseCookie()
	c.MaxAge = -1
	return c
}

// baseCookie holds the attributes every session cookie carries.
func (m *Manager) baseCookie() *http.Cookie {
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Path:     "/",
		Secure:   true,
		HttpOnly: true,
		SameSite: m.cfg.SameSite,
	}
}

// cookieValue returns the value of the first cookie called name in the
// request's Cookie headers, without parsing the others (the read path runs
// on every request).
func cookieValue(h http.Header, name string) (string, bool) {
	for _, line := range h["Cookie"] {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.TrimSpace(part)
			if v, ok := strings.CutPrefix(part, name); ok && strings.HasPrefix(v, "=") {
				return v[1:], true
			}
		}
	}
	return "", false
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(h http.Header) (string, bool) {
	scheme, tok, ok := strings.Cut(h.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}
