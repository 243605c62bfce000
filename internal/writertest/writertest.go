// Package writertest holds what the tests of the library's response
// writers share: the ways a handler begins a response other than by
// writing its body, and a recorder whose connection can be taken over.
package writertest

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
)

// Begins are the ways a handler begins a response without writing its
// body, each of which must first do what a wrapper does before the
// header leaves. Streaming code asserts http.Flusher or flushes through
// an http.ResponseController; a WebSocket library answers 101 Switching
// Protocols or takes the connection over.
var Begins = []struct {
	Name  string
	Begin func(http.ResponseWriter) error
}{
	{"http.Flusher", func(w http.ResponseWriter) error {
		f, ok := w.(http.Flusher)
		if !ok {
			return errors.New("not an http.Flusher")
		}
		f.Flush()
		return nil
	}},
	{"ResponseController.Flush", func(w http.ResponseWriter) error {
		return http.NewResponseController(w).Flush()
	}},
	{"101 Switching Protocols", func(w http.ResponseWriter) error {
		w.WriteHeader(http.StatusSwitchingProtocols)
		return nil
	}},
	{"http.Hijacker", func(w http.ResponseWriter) error {
		h, ok := w.(http.Hijacker)
		if !ok {
			return errors.New("not an http.Hijacker")
		}
		return closeHijacked(h.Hijack())
	}},
	{"ResponseController.Hijack", func(w http.ResponseWriter) error {
		return closeHijacked(http.NewResponseController(w).Hijack())
	}},
}

// closeHijacked closes the connection a successful Hijack returned.
func closeHijacked(conn net.Conn, _ *bufio.ReadWriter, err error) error {
	if err == nil {
		conn.Close()
	}
	return err
}

// Recorder is a ResponseRecorder whose connection can be taken over.
type Recorder struct {
	*httptest.ResponseRecorder
	// Hijacked is the header as it stood when the connection was taken
	// over, or nil.
	Hijacked http.Header
}

// NewRecorder returns a Recorder.
func NewRecorder() *Recorder {
	return &Recorder{ResponseRecorder: httptest.NewRecorder()}
}

// Hijack keeps the header and returns a connection to nobody.
func (w *Recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.Hijacked = w.Header().Clone()
	conn, peer := net.Pipe()
	peer.Close()
	return conn, bufio.NewReadWriter(bufio.NewReader(conn), bufio.NewWriter(conn)), nil
}

// Sent returns the header the client got: as it stood when the connection
// was taken over, or when the status was written.
func (w *Recorder) Sent() http.Header {
	if w.Hijacked != nil {
		return w.Hijacked
	}
	return w.Result().Header
}
