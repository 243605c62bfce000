package csrf

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/sessiond/sessiond/forwarded"
)

// originPolicy is the cross-origin layer: [http.CrossOriginProtection]
// with the gaps it documents closed for browser routes.
type originPolicy struct {
	cop     *http.CrossOriginProtection
	trusted map[string]bool
	bypass  *http.ServeMux // nil without bypass patterns
}

// newOriginPolicy validates the trusted origins and bypass patterns; it
// panics on an invalid one.
func newOriginPolicy(trusted, bypass []string) *originPolicy {
	o := &originPolicy{cop: http.NewCrossOriginProtection(), trusted: map[string]bool{}}
	for _, origin := range trusted {
		o.trust(origin)
	}
	if len(bypass) > 0 {
		o.bypass = http.NewServeMux()
		for _, pattern := range bypass {
			addBypass(o.bypass, pattern)
		}
	}
	return o
}

// trust adds origin to the trusted origins, or panics if it could never
// match an Origin header a browser sends.
func (o *originPolicy) trust(origin string) {
	if err := o.cop.AddTrustedOrigin(origin); err != nil {
		panic(fmt.Sprintf("csrf: Config.TrustedOrigins: %v", err))
	}
	host, ok := parseOrigin(origin)
	if !ok || !validHost(host) || origin != strings.ToLower(origin) || hasDefaultPort(origin) {
		panic(fmt.Sprintf("csrf: Config.TrustedOrigins: %q is not an origin as browsers send it "+
			`("scheme://host[:port]", http or https, lower case, no default port)`, origin))
	}
	o.trusted[origin] = true
}

// validHost reports whether host ("name[:port]") is an IP address or a
// DNS name, with no wildcard or other character a browser would not send.
func validHost(host string) bool {
	u := url.URL{Host: host}
	if _, err := netip.ParseAddr(u.Hostname()); err == nil {
		return true
	}
	name := u.Hostname()
	return name != "" && strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789.-") == ""
}

// hasDefaultPort reports whether origin names its scheme's default port,
// which browsers leave out of the Origin header.
func hasDefaultPort(origin string) bool {
	return strings.HasPrefix(origin, "https://") && strings.HasSuffix(origin, ":443") ||
		strings.HasPrefix(origin, "http://") && strings.HasSuffix(origin, ":80")
}

// parseOrigin returns the host of an origin of the form
// "scheme://host[:port]", with an http or https scheme. Anything else (a path, user info, a query,
// a fragment, a value that does not serialize back to itself) is refused.
func parseOrigin(s string) (host string, ok bool) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.String() != s {
		return "", false
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.User != nil || u.Path != "" || u.RawQuery != "" {
		return "", false
	}
	return u.Host, true
}

// addBypass registers pattern, turning ServeMux's panic on a bad pattern
// into one with this package's prefix.
func addBypass(mux *http.ServeMux, pattern string) {
	defer func() {
		if err := recover(); err != nil {
			panic(fmt.Sprintf("csrf: Config.InsecureBypassPatterns: %v", err))
		}
	}()
	mux.Handle(pattern, bypassMark)
}

// bypassMark is the handler every bypass pattern is registered with; a
// request the mux maps to it matches a pattern directly.
var bypassMark http.Handler = &marker{}

// marker is a handler that does nothing. bypassMark is compared by
// pointer; the field gives marker a size, so that pointer is unique.
type marker struct{ _ byte }

// ServeHTTP does nothing: the bypass mux is only ever asked for a match.
func (*marker) ServeHTTP(http.ResponseWriter, *http.Request) {}

// bypassed reports whether r matches an insecure bypass pattern exactly
// (not after a redirect ServeMux would make).
func (o *originPolicy) bypassed(r *http.Request) bool {
	if o.bypass == nil {
		return false
	}
	h, _ := o.bypass.Handler(r)
	return h == bypassMark
}

// checkRequest lets a safe method through, and checks the origin of the
// others and of a protocol upgrade.
func (o *originPolicy) checkRequest(r *http.Request) error {
	if !safeMethod(r.Method) {
		return o.check(r)
	}
	if r.Header.Get("Upgrade") == "" {
		return nil
	}
	// A protocol upgrade (a WebSocket handshake) is a GET that opens a
	// channel carrying the user's cookies: another site's page must not
	// open it (cross-site WebSocket hijacking). Browsers always send
	// Origin with it and can add no token, so its origin is checked as an
	// unsafe request's is, and no token is asked for.
	unsafe := *r
	unsafe.Method = http.MethodPost
	return o.check(&unsafe)
}

// check refuses an unsafe request unless it is shown to be same-origin
// or from a trusted origin. It assumes r's method is unsafe.
func (o *originPolicy) check(r *http.Request) error {
	origin := r.Header.Get("Origin")
	switch {
	case len(r.Header["Origin"]) > 1 || len(r.Header["Sec-Fetch-Site"]) > 1:
		// Browsers send each once; two are a forgery or a broken proxy.
		return ErrCrossOrigin
	case origin == "null":
		// CrossOriginProtection refuses "null" only when Sec-Fetch-Site is
		// absent or cross-site; we refuse it always.
		return ErrNullOrigin
	case origin == "" && r.Header.Get("Sec-Fetch-Site") == "":
		// CrossOriginProtection lets this through as a non-browser client;
		// on a browser route we cannot tell, so we fail closed.
		return ErrNoOrigin
	}
	if err := o.cop.Check(r); err != nil {
		return ErrCrossOrigin
	}
	if origin != "" && !o.trusted[origin] && !sameOrigin(origin, r) {
		// CrossOriginProtection believes Sec-Fetch-Site and never reads
		// Origin when it says same-origin or none; headers that disagree
		// are refused.
		return ErrCrossOrigin
	}
	return nil
}

// sameOrigin reports whether origin is exactly the request's own
// scheme://host, the host byte for byte as CrossOriginProtection compares
// it (browsers send both in lower case, without a default port). When the
// client came over HTTPS ([forwarded.HTTPS]: a TLS connection, or a trusted
// proxy's X-Forwarded-Proto) the scheme must be https, closing the
// HTTP→HTTPS gap that CrossOriginProtection leaves open. Behind a
// TLS-terminating proxy that is not believed the scheme cannot be seen, so
// an https origin passes on a plain request too, and HSTS covers the gap.
func sameOrigin(origin string, r *http.Request) bool {
	if r.Host == "" {
		return false
	}
	if host, ok := strings.CutPrefix(origin, "https://"); ok {
		return host == r.Host
	}
	host, ok := strings.CutPrefix(origin, "http://")
	return ok && host == r.Host && !forwarded.HTTPS(r)
}
