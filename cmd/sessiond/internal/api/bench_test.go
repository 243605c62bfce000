package api

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessiond/sessiond"
)

// discard is a ResponseWriter that keeps nothing, so that the benchmarks
// measure the API rather than a recorder.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

// BenchmarkValidate is POST /v1/sessions/validate on a memstore, from the
// JSON body to the JSON answer: the work the service adds to a store read
// on its busiest call.
func BenchmarkValidate(b *testing.B) {
	a := newTestAPI(b)
	code, out := a.call(b, "POST", "/v1/sessions", map[string]any{
		"user_id": "alice", "ip": "192.0.2.1", "user_agent": "agent", "auth_methods": []string{"pwd"},
	})
	if code != http.StatusCreated {
		b.Fatalf("create = %d %v", code, out)
	}
	body := []byte(`{"token":"` + out["token"].(string) + `","ip":"192.0.2.1","user_agent":"agent"}`)
	r := httptest.NewRequest("POST", "/v1/sessions/validate", nil)
	r.Header.Set("Content-Type", "application/json")
	rd := bytes.NewReader(body)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(body)
		r.Body = io.NopCloser(rd)
		clear(w.h)
		a.h.ServeHTTP(w, r)
		if w.code != http.StatusOK {
			b.Fatalf("validate = %d", w.code)
		}
	}
}

// BenchmarkForwardAuth is GET /v1/forward-auth on a memstore, asked as
// nginx asks it for a page load (the session cookie, the original method,
// URI and host, the client's headers), from the request to the identity
// headers: the cost per proxied request, beside BenchmarkValidate's. The
// assertion case asks for a signed assertion, as docs/forward-auth's
// configurations do; its clock stands still, so that the assertion
// signed on the first request is reused, as it is for
// forwardauth.AssertionReuse in a burst of requests.
func BenchmarkForwardAuth(b *testing.B) {
	for _, bc := range []struct{ name, query string }{
		{"identity", "mode=nginx"},
		{"assertion", "mode=nginx&aud=https://app.example"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := newFAEnv(b, loopback)
			tok := e.login(b, "alice", false)
			h := e.srv.Config.Handler
			r := httptest.NewRequest("GET", "https://sessiond.example/v1/forward-auth?"+bc.query, nil)
			r.RemoteAddr = "127.0.0.1:4000"
			for _, kv := range [][2]string{
				{"Cookie", sessiond.DefaultCookieName + "=" + tok}, {"User-Agent", "agent"}, {"X-Original-Method", "GET"},
				{"X-Original-Uri", "/page?a=b"}, {"X-Forwarded-Host", "app.example"}, {"X-Forwarded-Proto", "https"},
				{"Sec-Fetch-Mode", "navigate"}, {"Accept", "text/html"},
			} {
				r.Header.Set(kv[0], kv[1])
			}
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
				if w.code != http.StatusOK {
					b.Fatalf("forward-auth = %d", w.code)
				}
			}
		})
	}
}
