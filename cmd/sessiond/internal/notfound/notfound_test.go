package notfound

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWrap(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page") })
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "form") })
	mux.HandleFunc("GET /dir/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "dir") })
	h := Wrap(mux, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "our 404")
	}))
	for _, tc := range []struct {
		method, path string
		status       int
		body, allow  string
	}{
		{"GET", "/page", 200, "page", ""},
		{"HEAD", "/page", 200, "", ""},
		{"POST", "/form", 200, "form", ""},
		{"GET", "/dir/file", 200, "dir", ""},
		{"GET", "/dir", http.StatusTemporaryRedirect, "", ""}, // to /dir/, as the mux answers
		{"POST", "/page", http.StatusMethodNotAllowed, "", "GET, HEAD"},
		{"GET", "/form", http.StatusMethodNotAllowed, "", "POST"},
		{"TRACE", "/page", http.StatusMethodNotAllowed, "", "GET, HEAD"},
		{"GET", "/nowhere", http.StatusNotFound, "our 404", ""},
		{"POST", "/nowhere", http.StatusNotFound, "our 404", ""},
		{"GET", "/", http.StatusNotFound, "our 404", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
			if w.Code != tc.status || w.Header().Get("Allow") != tc.allow {
				t.Fatalf("got %d with Allow %q, want %d with Allow %q", w.Code, w.Header().Get("Allow"), tc.status, tc.allow)
			}
			if tc.body != "" && w.Body.String() != tc.body {
				t.Errorf("got body %q, want %q", w.Body.String(), tc.body)
			}
		})
	}
}
