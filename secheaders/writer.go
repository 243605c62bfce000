package secheaders

import "net/http"

// writer applies the policy to the header just before it is sent, so that
// a handler that resets its headers (an error path, say) still sends
// them, and a Server header it set never leaves. It exposes the
// underlying writer through Unwrap, so that http.ResponseController
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

// Unwrap returns the underlying ResponseWriter.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
