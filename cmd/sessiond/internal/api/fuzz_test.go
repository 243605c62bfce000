package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzTokenCallBody sends arbitrary bodies to the token calls: each gets
// an answer below 500, and none echoes the live session's token.
func FuzzTokenCallBody(f *testing.F) {
	a := newTestAPI(f)
	code, out := a.call(f, "POST", "/v1/sessions", map[string]any{"user_id": "alice"})
	if code != http.StatusCreated {
		f.Fatalf("create = %d %v", code, out)
	}
	tok := out["token"].(string)
	for _, seed := range []string{
		`{"token":"` + tok + `"}`,
		`{"token":"` + tok + `","ip":"192.0.2.1","user_agent":"a"}`,
		`{"token":"x","token":"y"}`,
		`{"token":"` + tok + `","set":{"k":[1,{"a":null}]},"delete":["j"],"version":1}`,
		`{"token":"` + tok + `","auth_methods":["pwd"]}`,
		"{\"token\":\"\xff\"}",
		`[]`, `null`, ``, `{`,
	} {
		f.Add(seed)
	}
	paths := []string{"/v1/sessions/validate", "/v1/sessions/data", "/v1/sessions/reauth", "/v1/sessions"}
	f.Fuzz(func(t *testing.T, body string) {
		for _, p := range paths {
			r := httptest.NewRequest("POST", p, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			a.h.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("POST %s %q: status %d", p, body, w.Code)
			}
			if !strings.Contains(body, tok) && strings.Contains(w.Body.String(), tok) {
				t.Fatalf("POST %s: the answer carries the live token", p)
			}
		}
	})
}
