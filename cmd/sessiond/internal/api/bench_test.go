package api

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
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
