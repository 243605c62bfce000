package csrf

import (
	"net/http"
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
