package sessiond

import (
	"io"
	"maps"
	"net/http"
)

// commitWriter commits the session before the first byte of the response.
// It exposes the underlying writer through Unwrap, so that
// http.ResponseController reaches its other abilities.
type commitWriter struct {
	http.ResponseWriter
	h      *holder
	r      *http.Request
	begun  bool
	failed bool
}

// begin commits once; on failure it answers with the error handler instead
// of the handler's response, whose later writes are dropped.
func (w *commitWriter) begin() bool {
	if !w.begun {
		w.begun = true
		if err := w.h.commit(w.r.Context(), w.Header()); err != nil {
			w.failed = true
			maps.DeleteFunc(w.Header(), func(string, []string) bool { return true })
			w.h.m.cfg.ErrorHandler.ServeHTTP(w.ResponseWriter, w.r)
		}
	}
	return !w.failed
}

// WriteHeader commits before a final status; informational ones pass.
func (w *commitWriter) WriteHeader(code int) {
	if code >= 200 && !w.begin() {
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write commits before the first byte.
func (w *commitWriter) Write(b []byte) (int, error) {
	if !w.begin() {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// WriteString commits before the first byte, and hands s on without the
// copy into a []byte that io.WriteString would otherwise make.
func (w *commitWriter) WriteString(s string) (int, error) {
	if !w.begin() {
		return len(s), nil
	}
	return io.WriteString(w.ResponseWriter, s)
}

// FlushError commits, then flushes.
func (w *commitWriter) FlushError() error {
	if !w.begin() {
		return nil
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the underlying ResponseWriter.
func (w *commitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
