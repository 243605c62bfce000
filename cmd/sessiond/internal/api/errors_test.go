package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
)

// TestAPI_ErrorDetail_R4 checks that an error answer says what was wrong, in
// a detail beside the stable error name, naming the member at fault and
// quoting nothing the caller sent but a short unknown member name (R4).
func TestAPI_ErrorDetail_R4(t *testing.T) {
	a := newTestAPI(t)
	tok, _ := a.login(t, "alice")
	for _, c := range []struct {
		name, method, path, ctype, body string
		code                            int
		error, detail                   string
	}{
		{"unknown member", "POST", "/v1/sessions/validate", "application/json", `{"tokn":"x"}`, 400, "bad_request", `unknown member "tokn"`},
		{"member in another case", "POST", "/v1/sessions/validate", "application/json", `{"Token":"x"}`, 400, "bad_request", `unknown member "Token"`},
		{"a token as a member name", "POST", "/v1/sessions/validate", "application/json", `{"` + tok + `":1}`, 400, "bad_request", "unknown member"},
		{"a markup member name", "POST", "/v1/sessions/validate", "application/json", `{"<b>":1}`, 400, "bad_request", "unknown member"},
		{"user_id a number", "POST", "/v1/sessions", "application/json", `{"user_id":7}`, 400, "bad_request", "user_id must be a string"},
		{"user_id missing", "POST", "/v1/sessions", "application/json", `{}`, 400, "bad_request", "user_id is required"},
		{"user_id empty", "POST", "/v1/sessions", "application/json", `{"user_id":""}`, 400, "bad_request", "user_id must be 1 to 256 bytes of printable UTF-8"},
		{"token missing", "POST", "/v1/sessions/validate", "application/json", `{}`, 400, "bad_request", "token is required"},
		{"token an object", "POST", "/v1/sessions/rotate", "application/json", `{"token":{"$ne":""}}`, 400, "bad_request", "token must be a string"},
		{"repeated member", "POST", "/v1/sessions/validate", "application/json", `{"token":"x","token":"` + tok + `"}`, 400, "bad_request", `repeated member "token"`},
		{"repeated data key", "POST", "/v1/sessions/data", "application/json", `{"token":"x","set":{"a":1,"a":2}}`, 400, "bad_request", "repeated member name in set"},
		{"JSON cut short", "POST", "/v1/sessions/validate", "application/json", `{"token":`, 400, "bad_request", "the JSON ends early in token"},
		{"empty body", "POST", "/v1/sessions/validate", "application/json", ``, 400, "bad_request", "the body is empty"},
		{"array body", "POST", "/v1/sessions", "application/json", `[]`, 400, "bad_request", "the body must be a JSON object"},
		{"trailing data", "POST", "/v1/sessions/validate", "application/json", `{"token":"x"} {}`, 400, "bad_request", "malformed JSON at byte 14"},
		{"bad escape in the token", "POST", "/v1/sessions/validate", "application/json", `{"token":"` + tok + `\u12"}`, 400, "bad_request", "malformed JSON at byte 53 in token"},
		{"invalid UTF-8", "POST", "/v1/sessions", "application/json", "{\"user_id\":\"u\xff\"}", 400, "bad_request", "invalid UTF-8 in user_id"},
		{"methods not strings", "POST", "/v1/sessions/reauth", "application/json", `{"token":"x","auth_methods":[1]}`, 400, "bad_request", "auth_methods must be an array of strings"},
		{"too many methods", "POST", "/v1/sessions", "application/json", `{"user_id":"u","auth_methods":["a","b","c","d","e","f","g","h","i"]}`, 400, "bad_request", "auth_methods must hold at most 8 names of 1 to 32 bytes"},
		{"reauth without methods", "POST", "/v1/sessions/reauth", "application/json", `{"token":"` + tok + `"}`, 400, "bad_request", "auth_methods is required"},
		{"version not an integer", "POST", "/v1/sessions/data", "application/json", `{"token":"x","version":1.5}`, 400, "bad_request", "version must be an integer"},
		{"set not an object", "POST", "/v1/sessions/data", "application/json", `{"token":"x","set":[]}`, 400, "bad_request", "set must be an object"},
		{"empty data key", "POST", "/v1/sessions/data", "application/json", `{"token":"` + tok + `","delete":[""]}`, 400, "bad_request", "a data key is empty or over 256 bytes"},
		{"unknown token", "POST", "/v1/sessions/validate", "application/json", `{"token":"x"}`, 401, "invalid_session", "the token is not that of a live session"},
		{"text/plain", "POST", "/v1/sessions/validate", "text/plain", `{"token":"x"}`, 415, "unsupported_media_type", "the body must be application/json"},
		{"too large", "POST", "/v1/sessions", "application/json", `{"user_id":"` + strings.Repeat("u", 1<<20) + `"}`, 413, "payload_too_large", "the body is over 1 MiB"},
		{"delete all unconfirmed", "DELETE", "/v1/sessions?confirm=yes", "", ``, 400, "bad_request", "confirm=all is required to end every session"},
		{"bad limit", "GET", "/v1/audit?limit=0", "", ``, 400, "bad_request", "limit must be an integer from 1 to 1000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			w := httptest.NewRecorder()
			a.h.ServeHTTP(w, r)
			got := errorOf(t, w)
			if w.Code != c.code || got.Error != c.error || got.Detail != c.detail {
				t.Errorf("got %d %+v, want %d {%s %s}", w.Code, got, c.code, c.error, c.detail)
			}
		})
	}
}

// errorOf decodes an error answer, which must be JSON with exactly the
// members error and detail, and carry no other member.
func errorOf(t *testing.T, w *httptest.ResponseRecorder) errorAnswer {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", ct)
	}
	var e errorAnswer
	if err := strictJSON(w.Body.Bytes(), &e); err != nil || e.Error == "" || e.Detail == "" {
		t.Errorf("body: got %q (%v), want {error, detail}", w.Body, err)
	}
	return e
}

// strictJSON decodes b into v, refusing unknown members.
func strictJSON(b []byte, v any) error {
	return json.Unmarshal(b, v, json.RejectUnknownMembers(true))
}
