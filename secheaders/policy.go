package secheaders

import (
	"net/http"
	"strings"
)

// Fixed header values.
const (
	referrerPolicy    = "strict-origin-when-cross-origin"
	openerPolicy      = "same-origin"
	permissionsPolicy = "camera=(), geolocation=(), microphone=()"
)

// maxFields is the most headers a [Policy] sends.
const maxFields = 7

// field is one response header a [Policy] sends.
type field struct {
	name  string // canonical form
	value string
	// always overwrites a value the handler set; otherwise the handler's
	// own value wins.
	always bool
	// page marks a header that only documents use (see isDocument).
	page bool
}

// Policy is the set of security headers every response gets. It is
// immutable and safe for concurrent use.
type Policy struct {
	fields []field
}

// New returns the Policy cfg describes. It panics if cfg is invalid or
// weaker than the defaults without the matching Insecure field.
func New(cfg Config) *Policy {
	cfg = cfg.withDefaults()
	p := &Policy{fields: []field{
		{"Strict-Transport-Security", cfg.hsts(), true, false},
		{"X-Content-Type-Options", "nosniff", true, false},
		{"Content-Security-Policy", cfg.ContentSecurityPolicy, false, true},
		{"Referrer-Policy", referrerPolicy, false, true},
		{"Cross-Origin-Opener-Policy", openerPolicy, false, true},
		{"Permissions-Policy", permissionsPolicy, false, true},
	}}
	if xfo := frameOptions(cfg.ContentSecurityPolicy); xfo != "" {
		p.fields = append(p.fields, field{"X-Frame-Options", xfo, false, true})
	}
	return p
}

// Handler is the middleware. It refuses TRACE and TRACK with 405 without
// calling next, and gives every response, whoever writes it, the
// policy's headers and no Server header.
//
// Strict-Transport-Security and X-Content-Type-Options are always the
// policy's. For the others a value the handler set before writing the
// response wins, so that one route can carry its own policy (say, a CSP
// with a nonce); such a value is not checked.
func (p *Policy) Handler(next http.Handler) http.Handler {
	if next == nil {
		panic("secheaders: Handler needs a non-nil handler")
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &writer{ResponseWriter: rw, p: p}
		if traceMethod(r.Method) {
			refuseMethod(w)
			return
		}
		next.ServeHTTP(w, r)
		w.commit() // a handler that wrote nothing still gets the headers
	})
}

// apply sets the policy's headers in h and removes any Server header.
// vals, of at least len(p.fields), backs the values: each is sliced to
// capacity 1, so that a handler appending to one never overwrites the
// next, and none is shared with another response.
func (p *Policy) apply(h http.Header, vals []string) {
	document := isDocument(h.Get("Content-Type"))
	for i, f := range p.fields {
		if f.page && !document {
			continue
		}
		if f.always || len(h[f.name]) == 0 {
			vals[i] = f.value
			h[f.name] = vals[i : i+1 : i+1]
		}
	}
	delete(h, "Server")
}

// isDocument reports whether a response of content type ct may be shown
// as a document, and so needs the page headers. Only types a browser
// never runs or frames as a page of the site are left out: JSON (API
// answers), stylesheets, scripts, raster images and fonts. A response
// whose type is not yet known counts as a document (net/http may sniff it
// as HTML).
func isDocument(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "application/json", strings.HasSuffix(mt, "+json"),
		mt == "text/css", mt == "text/javascript", mt == "application/javascript",
		mt == "image/png", mt == "image/jpeg", mt == "image/gif", mt == "image/webp",
		strings.HasPrefix(mt, "font/"):
		return false
	}
	return true
}
