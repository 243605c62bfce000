package forwarded

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the networks of the reverse proxies whose forwarding headers
// are believed. The zero value trusts nobody.
type Proxies []netip.Prefix

// ClientIP returns the address of r's client: the connection's, or, when
// that is a trusted proxy, the nearest X-Forwarded-For hop that is not
// itself a trusted proxy. A hop that is not an address ends the walk at
// the last trusted one: what lies beyond it cannot be believed.
func (p Proxies) ClientIP(r *http.Request) string {
	ip := remoteIP(r)
	if !p.trust(ip) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return ip
		}
		if !p.trust(addr.String()) {
			return addr.Unmap().String()
		}
		ip = addr.String()
	}
	return ip
}

// Handler records, for each request whose connection comes from a trusted
// proxy, the scheme that its X-Forwarded-Proto names, for [HTTPS] and
// [Proto] to read. It panics if next is nil.
func (p Proxies) Handler(next http.Handler) http.Handler {
	if next == nil {
		panic("forwarded: Handler needs a non-nil handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if proto := forwardedProto(r.Header); proto != "" && p.trust(remoteIP(r)) {
			r = r.WithContext(context.WithValue(r.Context(), protoKey{}, proto))
		}
		next.ServeHTTP(w, r)
	})
}

// protoKey is the context key of the scheme Handler recorded.
type protoKey struct{}

// Proto returns the scheme, "https" or "http", that a trusted proxy said
// r's client used, as [Proxies.Handler] recorded it; "" when none did.
func Proto(r *http.Request) string {
	proto, _ := r.Context().Value(protoKey{}).(string)
	return proto
}

// HTTPS reports whether r's client reached the site over HTTPS: as a
// trusted proxy said ([Proto]), or else over a TLS connection.
func HTTPS(r *http.Request) bool {
	if proto := Proto(r); proto != "" {
		return proto == "https"
	}
	return r.TLS != nil
}

// forwardedProto returns the scheme an X-Forwarded-Proto header names, or
// "" unless it holds exactly one value, http or https.
func forwardedProto(h http.Header) string {
	values := h.Values("X-Forwarded-Proto")
	if len(values) != 1 {
		return ""
	}
	switch proto := strings.ToLower(strings.TrimSpace(values[0])); proto {
	case "https", "http":
		return proto
	}
	return ""
}

// remoteIP is the address of r's connection, without the port.
func remoteIP(r *http.Request) string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ip
}

// Trusted reports whether r comes straight from one of the proxies: only
// then may its forwarding headers be believed. It is the test that
// [Proxies.ClientIP] and [Proxies.Handler] apply, for a handler that reads
// other forwarding headers (the method and URI a proxy asks about, for
// instance).
func (p Proxies) Trusted(r *http.Request) bool {
	return p.trust(remoteIP(r))
}

// trust reports whether ip lies in one of the networks; an IPv4-mapped
// IPv6 address counts as IPv4.
func (p Proxies) trust(ip string) bool {
	if len(p) == 0 {
		return false
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, prefix := range p {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}
