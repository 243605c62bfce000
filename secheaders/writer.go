package secheaders

import (
	"bufio"
	"net"
	"net/http"
)

// writer applies the policy to the header just before it is sent, so that
// a handler that resets its headers (an error path, say) still sends
// them, and a Server header it set never leaves. It is an http.Flusher and
// an http.Hijacker, as streaming and WebSocket code asserts, and exposes
// the underlying writer through Unwrap, so that http.ResponseController
// reaches its other abilities.
type writer struct {
	http.ResponseWriter
	p    *Policy
	done bool
	vals [maxFields]string // the header values, in the same allocation
}

// commit applies the policy once, before the header is sent.
func (w *writer) commit() {
	if !w.done {
		w.done = true
		w.p.apply(w.ResponseWriter.Header(), w.vals[:])
	}
}

// WriteHeader applies the policy before a final status. An informational
// one (1xx but 101) only loses its Server header.
func (w *writer) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.commit()
	} else {
		w.ResponseWriter.Header().Del("Server")
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write applies the policy before the first byte.
func (w *writer) Write(b []byte) (int, error) {
	w.commit()
	return w.ResponseWriter.Write(b)
}

// FlushError applies the policy, then flushes.
func (w *writer) FlushError() error {
	w.commit()
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush applies the policy, then flushes, for code that asserts
// http.Flusher. The assertion holds whatever the underlying writer; where
// that cannot flush, Flush does nothing, and FlushError, which
// http.ResponseController calls, says so.
func (w *writer) Flush() { _ = w.FlushError() }

// Hijack applies the policy to Header(), then hands the connection over: a
// WebSocket library that answers 101 through WriteHeader sends the
// policy's headers, one that writes its own answer on the connection only
// if it copies Header() after Hijack.
//
// As with chi's and scs's writers, the http.Hijacker assertion succeeds
// even when the underlying writer cannot hijack (HTTP/2, a recorder):
// Hijack then returns an error wrapping http.ErrNotSupported, which is
// what http.ResponseController returns too.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.commit()
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the underlying ResponseWriter.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
