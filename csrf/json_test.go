package csrf_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/csrf"
)

func TestRequireJSON_R44(t *testing.T) {
	tests := []struct {
		method      string
		contentType []string
		want        int
	}{
		{"POST", []string{"application/json"}, http.StatusOK},
		{"POST", []string{"application/json; charset=utf-8"}, http.StatusOK},
		{"POST", []string{"Application/JSON"}, http.StatusOK},
		{"PUT", []string{"application/json"}, http.StatusOK},
		{"GET", nil, http.StatusOK},
		{"HEAD", []string{"text/plain"}, http.StatusOK},
		{"OPTIONS", nil, http.StatusOK},
		{"POST", []string{"text/plain"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"text/plain; charset=utf-8"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"multipart/form-data; boundary=x"}, http.StatusUnsupportedMediaType},
		{"POST", nil, http.StatusUnsupportedMediaType},
		{"POST", []string{""}, http.StatusUnsupportedMediaType},
		{"POST", []string{"application/jsonx"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"application/json, text/plain"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"text/plain", "application/json"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"application/json", "text/plain"}, http.StatusUnsupportedMediaType},
		{"DELETE", nil, http.StatusUnsupportedMediaType},
		{"PATCH", []string{"application/merge-patch+json"}, http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.method+"/"+strings.Join(tt.contentType, "|"), func(t *testing.T) {
			r := httptest.NewRequest(tt.method, site+"/api", strings.NewReader(`{}`))
			r.Header["Content-Type"] = tt.contentType
			w := httptest.NewRecorder()
			csrf.RequireJSON(ok).ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("status: got %d, want %d", w.Code, tt.want)
			}
			err := csrf.CheckJSON(r)
			if (err == nil) != (tt.want == http.StatusOK) || err != nil && !errors.Is(err, csrf.ErrContentType) {
				t.Fatalf("CheckJSON: got %s, want %v", errString(err), tt.want == http.StatusOK)
			}
			if tt.want != http.StatusOK && w.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("Cache-Control: got %q, want no-store", w.Header().Get("Cache-Control"))
			}
		})
	}
}
