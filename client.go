package sessiond

import (
	"net/http"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/sessiond/sessiond/forwarded"
)

// maxUserAgent bounds the User-Agent kept with a session.
const maxUserAgent = 512

// Client describes who sent a request: it is recorded at login, compared by
// the anomaly policy and written into audit events. The zero Client means
// the client is not known (a session loaded by a background task): nothing
// is compared.
type Client struct {
	// IP is the client's address; empty when not known.
	IP string
	// UserAgent is the request's User-Agent header. An empty one, where
	// the session recorded one, is a change of User-Agent (unless the
	// whole Client is zero).
	UserAgent string
}

// ClientFromRequest takes the client from the connection's address and the
// User-Agent header. Forwarding headers are ignored: see [Manager.Client]
// for a deployment behind trusted proxies.
func ClientFromRequest(r *http.Request) Client {
	return clientFrom(r, nil)
}

// Client returns the request's client. When the connection comes from one
// of Config.TrustedProxies, the address is taken from X-Forwarded-For: the
// nearest hop that is not itself a trusted proxy
// ([forwarded.Proxies.ClientIP]). No other client's forwarding headers
// are believed.
func (m *Manager) Client(r *http.Request) Client {
	return clientFrom(r, m.cfg.TrustedProxies)
}

// clientFrom is ClientFromRequest behind the given trusted proxies.
func clientFrom(r *http.Request, trusted []netip.Prefix) Client {
	return Client{IP: forwarded.Proxies(trusted).ClientIP(r), UserAgent: clip(r.UserAgent(), maxUserAgent)}
}

// clip shortens s to at most n bytes, never inside a UTF-8 character, and
// drops bytes that are not UTF-8: every store can keep the result as text.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
		for n > 0 && !utf8.RuneStart(s[n-1]) {
			n--
		}
		if n > 0 && !utf8.FullRuneInString(s[n-1:]) {
			n--
		}
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
