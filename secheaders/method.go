package secheaders

import (
	"net/http"
	"strings"
)

// traceMethod reports whether method is TRACE or TRACK, which echo the
// request back and so could hand a script the request's cookies and
// credentials (cross-site tracing). Methods are case-sensitive, but some
// servers and proxies do not treat them so: any case is refused.
func traceMethod(method string) bool {
	return strings.EqualFold(method, "TRACE") || strings.EqualFold(method, "TRACK")
}

// refuseMethod answers 405. It sends no Allow header: the middleware
// does not know which methods the resource takes, and a made-up list
// would be wrong.
func refuseMethod(w http.ResponseWriter) {
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}
