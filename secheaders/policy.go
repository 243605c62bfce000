package secheaders

import "net/http"

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
		{"Strict-Transport-Security", cfg.hsts(), true},
		{"X-Content-Type-Options", "nosniff", true},
		{"Content-Security-Policy", cfg.ContentSecurityPolicy, false},
		{"Referrer-Policy", referrerPolicy, false},
		{"Cross-Origin-Opener-Policy", openerPolicy, false},
		{"Permissions-Policy", permissionsPolicy, false},
	}}
	if xfo := frameOptions(cfg.ContentSecurityPolicy); xfo != "" {
		p.fields = append(p.fields, field{"X-Frame-Options", xfo, false})
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
	for i, f := range p.fields {
		if f.always || len(h[f.name]) == 0 {
			vals[i] = f.value
			h[f.name] = vals[i : i+1 : i+1]
		}
	}
	delete(h, "Server")
}
