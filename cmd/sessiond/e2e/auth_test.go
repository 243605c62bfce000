package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/api"
)

// TestAPIKey_Refused_R7_R9 sends every call that needs an API key without
// a valid one in the Authorization header: no key, a wrong key, another
// scheme, and the right key anywhere else (query string, other headers,
// a cookie). Each is 401 {"error":"unauthorized"}, and nothing happens.
func TestAPIKey_Refused_R7_R9(t *testing.T) {
	t.Parallel()
	s := startApp(t, "memory://")
	tok, _ := s.login(t, "alice")
	q := url.QueryEscape(s.key)
	for _, tc := range []struct {
		name  string
		query string
		h     http.Header
	}{
		{"no key", "", http.Header{}},
		{"wrong key", "", http.Header{"Authorization": {"Bearer wrong-key-0123456789abcdef"}}},
		{"empty bearer", "", http.Header{"Authorization": {"Bearer "}}},
		{"basic scheme", "", http.Header{"Authorization": {"Basic " + s.key}}},
		{"key without scheme", "", http.Header{"Authorization": {s.key}}},
		{"key with a flipped character", "", http.Header{"Authorization": {"Bearer " + flip(s.key)}}},
		{"api_key in query", "?api_key=" + q, http.Header{}},
		{"access_token in query", "?access_token=" + q, http.Header{}},
		{"key in query", "?key=" + q, http.Header{}},
		{"X-API-Key header", "", http.Header{"X-Api-Key": {s.key}}},
		{"cookie", "", http.Header{"Cookie": {"api_key=" + s.key}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, op := range keyedOperations(t) {
				method, path, _ := strings.Cut(op, " ")
				h := tc.h.Clone()
				h.Set("Content-Type", "application/json")
				a := s.send(t, method, samplePath(path)+tc.query, map[string]any{"token": tok}, h)
				if a.code != http.StatusUnauthorized || str(a.body, "error") != "unauthorized" {
					t.Errorf("%s: got %d %s, want 401 unauthorized", op, a.code, a.raw)
				}
				if a.header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s: got no WWW-Authenticate", op)
				}
			}
		})
	}
	want(t, "the session after refused calls", s.call(t, "POST", "/v1/sessions/validate", with("token", tok)), http.StatusOK)
}

// flip changes the last character of s.
func flip(s string) string {
	b := []byte(s)
	b[len(b)-1] ^= 1
	return string(b)
}

// keyedOperations returns "METHOD /path" of every documented operation
// that needs the API key.
func keyedOperations(t *testing.T) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for path, item := range doc.Paths {
		for _, m := range []string{"get", "post", "put", "patch", "delete"} {
			raw, ok := item[m]
			if !ok {
				continue
			}
			var op struct {
				Security *[]any `json:"security"`
			}
			json.Unmarshal(raw, &op)
			if op.Security == nil || len(*op.Security) > 0 {
				out = append(out, strings.ToUpper(m)+" "+path)
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("the document names %d operations behind the API key, want every /v1/ call and /metrics", len(out))
	}
	return out
}

// samplePath fills each {name} of a documented path with a sample value.
func samplePath(path string) string {
	return regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(path, "sample-value")
}
