package secheaders_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessiond/sessiond/secheaders"
)

// discard is a ResponseWriter that keeps nothing, so that benchmarks
// measure the middleware rather than a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// page answers like a small HTML page.
var page = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte("<p>hello</p>"))
})

// benchServe serves r with h b.N times on a fresh header each time.
func benchServe(b *testing.B, h http.Handler) {
	r := httptest.NewRequest("GET", "/", nil)
	w := &discard{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// BenchmarkHandler is the cost of a page through the middleware; the
// middleware's own cost is its difference from BenchmarkBare.
func BenchmarkHandler(b *testing.B) {
	benchServe(b, secheaders.New(secheaders.Config{}).Handler(page))
}

// BenchmarkBare is the same page without the middleware.
func BenchmarkBare(b *testing.B) {
	benchServe(b, page)
}
