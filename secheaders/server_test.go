package secheaders_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"testing"

	"github.com/sessiond/sessiond/secheaders"
)

// TestServer_RealResponses_R12_R47_R48 checks what a client receives from
// a real TLS server, early hints and streamed bodies included.
func TestServer_RealResponses_R12_R47_R48(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hints", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Server", "sessiond/1.0")
		w.Header().Set("Link", "</app.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		w.Write([]byte("page"))
	})
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Server", "sessiond/1.0")
		rc := http.NewResponseController(w)
		for range 3 {
			w.Write([]byte("chunk\n"))
			if err := rc.Flush(); err != nil {
				t.Errorf("Flush: %v", err)
			}
		}
	})
	srv := httptest.NewTLSServer(secheaders.New(secheaders.Config{}).Handler(mux))
	defer srv.Close()

	for _, path := range []string{"/hints", "/stream", "/missing"} {
		t.Run(path, func(t *testing.T) {
			var early []textproto.MIMEHeader
			trace := &httptrace.ClientTrace{Got1xxResponse: func(_ int, h textproto.MIMEHeader) error {
				early = append(early, h)
				return nil
			}}
			req, _ := http.NewRequest("GET", srv.URL+path, nil)
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			checkHeaders(t, res, wantDefault)
			if got := res.Header.Values("Server"); len(got) != 0 {
				t.Errorf("Server: got %q, want none", got)
			}
			if path == "/hints" && len(early) == 0 {
				t.Error("got no early hints, want one")
			}
			for _, h := range early {
				if got := h.Values("Server"); len(got) != 0 {
					t.Errorf("Server in 1xx: got %q, want none", got)
				}
			}
		})
	}

	t.Run("TRACE", func(t *testing.T) {
		req, _ := http.NewRequest("TRACE", srv.URL+"/stream", nil)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status: got %d, want 405", res.StatusCode)
		}
	})
}
