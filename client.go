package sessiond

import (
	"net"
	"net/http"
)

// maxUserAgent bounds the User-Agent kept with a session.
const maxUserAgent = 512

// Client describes who sent a request: it is recorded at login, compared by
// anomaly policies and written into audit events.
type Client struct {
	IP        string
	UserAgent string
}

// ClientFromRequest takes the client from the connection's address and the
// User-Agent header. Forwarding headers are ignored: only a trusted-proxy
// policy may believe them.
func ClientFromRequest(r *http.Request) Client {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return Client{IP: ip, UserAgent: clip(r.UserAgent(), maxUserAgent)}
}

// clip shortens s to at most n bytes.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
