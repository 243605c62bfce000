package secheaders

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/sessiond/sessiond/forwarded"
)

// RedirectHTTPS passes requests whose client came over HTTPS to next, and
// answers the others itself without calling next, so a plain-HTTP request
// never gets a cookie or any content: GET and HEAD get a 308 to the same
// URL over https on the default port; other methods get 400, since their
// body has already crossed the network in clear and resending it over
// HTTPS would hide the mistake that sent it.
//
// Put it outermost, before any middleware that could set a cookie. The
// client came over HTTPS when [forwarded.HTTPS] says so: over a TLS
// connection, or, with the forwarded package's Proxies.Handler in front,
// when a trusted proxy that terminates TLS says so in X-Forwarded-Proto.
// Behind a proxy that is not trusted, or that does not send the header,
// every request looks plain, so there the proxy must redirect.
func RedirectHTTPS(next http.Handler) http.Handler {
	if next == nil {
		panic("secheaders: RedirectHTTPS needs a non-nil handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if forwarded.HTTPS(r) {
			next.ServeHTTP(w, r)
			return
		}
		host := hostname(r.Host)
		if host == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			http.Error(w, "use HTTPS", http.StatusBadRequest)
			return
		}
		uri := r.URL.RequestURI()
		if !strings.HasPrefix(uri, "/") {
			uri = "/" // "*", say: only a path may follow the host
		}
		http.Redirect(w, r, "https://"+host+uri, http.StatusPermanentRedirect)
	})
}

// hostname is the host of a Host header without its port, with brackets
// around an IPv6 address, or "" if it is neither an IP address nor a
// plain DNS name: the server checks Host headers, but a redirect target
// must not depend on it.
func hostname(hostport string) string {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is6() && a.Zone() == "" {
		return "[" + host + "]"
	}
	if host == "" || strings.Trim(host, hostChars) != "" {
		return ""
	}
	return host
}

// hostChars are the characters of a DNS name.
const hostChars = ".-_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
