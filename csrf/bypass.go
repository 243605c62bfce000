package csrf

import (
	"fmt"
	"net/http"
)

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
