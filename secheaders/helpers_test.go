package secheaders_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// wantDefault is every header the default policy sends.
var wantDefault = map[string]string{
	"Strict-Transport-Security":  "max-age=31536000; includeSubDomains",
	"X-Content-Type-Options":     "nosniff",
	"Content-Security-Policy":    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
	"Referrer-Policy":            "strict-origin-when-cross-origin",
	"Cross-Origin-Opener-Policy": "same-origin",
	"X-Frame-Options":            "DENY",
	"Permissions-Policy":         "camera=(), geolocation=(), microphone=()",
}

// serve runs one request through h and returns the recorded response.
func serve(h http.Handler, method, target string) *http.Response {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w.Result()
}

// checkHeaders reports every header of want that res lacks or has
// another value for.
func checkHeaders(t *testing.T, res *http.Response, want map[string]string) {
	t.Helper()
	for name, v := range want {
		if got := res.Header.Values(name); len(got) != 1 || got[0] != v {
			t.Errorf("%s: got %q, want %q", name, got, v)
		}
	}
}

// mustPanic runs f and returns what it panicked with, failing the test if
// it did not panic.
func mustPanic(t *testing.T, f func()) (msg any) {
	t.Helper()
	defer func() { msg = recover() }()
	f()
	t.Error("did not panic")
	return nil
}
