package api

import (
	"net/http"
	"strings"
)

// Limits on what a proxy forwards.
const (
	maxForwardedMethod = 32
	maxForwardedHost   = 255
	maxForwardedURI    = 8192
)

// original is the request a proxy asks about, as far as it is believed: a
// shallow copy of r (the client's headers and cookies, which proxies pass
// on, and the scheme forwarded.Proxies recorded) with the method, host
// and request URI a trusted proxy forwards. Its RequestURI is empty when
// not forwarded. From a client that is not a trusted proxy, no
// forwarding header is read: the copy keeps r's own method and host.
//
// A trusted proxy must send the method (X-Forwarded-Method, or nginx's
// X-Original-Method): without it an unsafe request could pass for a GET.
// The URI comes from X-Forwarded-Uri or X-Original-URI, the host from
// X-Forwarded-Host (else r's Host). A header sent twice, the two names of
// one value that disagree, or a value of the wrong shape fail (false).
func (a *api) original(r *http.Request) (*http.Request, bool) {
	o := *r
	o.RequestURI = ""
	if !a.ForwardAuth.Proxies.Trusted(r) {
		return &o, true
	}
	method, ok := forwardedValue(r.Header, "X-Forwarded-Method", "X-Original-Method")
	if !ok || !validMethod(method) {
		return nil, false
	}
	uri, ok := forwardedValue(r.Header, "X-Forwarded-Uri", "X-Original-Uri")
	if !ok || uri != "" && !validURI(uri) {
		return nil, false
	}
	host, ok := forwardedValue(r.Header, "X-Forwarded-Host")
	if !ok || host != "" && !validHost(host) {
		return nil, false
	}
	if host != "" {
		o.Host = strings.ToLower(host)
	}
	o.Method, o.RequestURI = method, uri
	return &o, true
}

// forwardedValue returns the value the headers names give, "" when none
// is present. Each present one must hold one value, and all the same.
func forwardedValue(h http.Header, names ...string) (string, bool) {
	value := ""
	for _, name := range names {
		vs := h[http.CanonicalHeaderKey(name)]
		switch {
		case len(vs) == 0:
			continue
		case len(vs) > 1 || value != "" && vs[0] != value:
			return "", false
		}
		value = vs[0]
	}
	return value, true
}

// validMethod reports whether m is an HTTP method token of at most
// maxForwardedMethod bytes.
func validMethod(m string) bool {
	if m == "" || len(m) > maxForwardedMethod {
		return false
	}
	for i := range len(m) {
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(m[i])) && !isAlnum(m[i]) {
			return false
		}
	}
	return true
}

// validURI reports whether u is an origin-form request target: a slash,
// then printable ASCII without spaces, at most maxForwardedURI bytes.
func validURI(u string) bool {
	return strings.HasPrefix(u, "/") && printableASCII(u, maxForwardedURI)
}

// validHost reports whether h is a host and optional port: letters,
// digits, dots, dashes, and the colons and brackets of a port or an IPv6
// address.
func validHost(h string) bool {
	if len(h) > maxForwardedHost {
		return false
	}
	for i := range len(h) {
		if !isAlnum(h[i]) && !strings.ContainsRune(".-:[]", rune(h[i])) {
			return false
		}
	}
	return true
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
