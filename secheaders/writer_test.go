package secheaders_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessiond/sessiond/internal/writertest"
	"github.com/sessiond/sessiond/secheaders"
)

// TestWriter_PolicyBeforeLeaving checks that each way a response can
// begin other than a body write applies the policy first.
func TestWriter_PolicyBeforeLeaving(t *testing.T) {
	for _, c := range writertest.Begins {
		t.Run(c.Name, func(t *testing.T) {
			var err error
			h := secheaders.New(secheaders.Config{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Server", "sessiond/1.0")
				err = c.Begin(w)
			}))
			w := writertest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			res := &http.Response{Header: w.Sent()}
			checkHeaders(t, res, wantDefault)
			if got := res.Header.Values("Server"); len(got) != 0 {
				t.Errorf("Server: got %q, want none", got)
			}
		})
	}
}

// TestWriter_HijackNotSupported checks that Hijack reports a writer that
// cannot hijack with http.ErrNotSupported.
func TestWriter_HijackNotSupported(t *testing.T) {
	var err error
	h := secheaders.New(secheaders.Config{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if h, ok := w.(http.Hijacker); ok {
			_, _, err = h.Hijack()
		}
	}))
	serve(h, "GET", "/")
	if !errors.Is(err, http.ErrNotSupported) {
		t.Errorf("Hijack on a recorder: got %v, want http.ErrNotSupported", err)
	}
}
