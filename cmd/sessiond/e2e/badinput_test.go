package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestBadInput_R4_R44 sends malformed, oversized, mistyped and hostile
// input to the API on every store. Each answer is the documented 4xx with
// a generic error name and a detail: never a 5xx, never the input echoed.
func TestBadInput_R4_R44(t *testing.T) {
	eachStore(t, func(t *testing.T, s *appService) {
		tok, id := s.login(t, "alice")
		big := `{"user_id":"u","data":{"x":"` + strings.Repeat("a", 1<<20) + `"}}`
		for _, tc := range []struct {
			name, method, path string
			contentType        string
			body               string
			code               int
			errName            string
		}{
			{"text/plain", "POST", "/v1/sessions", "text/plain", `{"user_id":"u"}`, 415, "unsupported_media_type"},
			{"form", "POST", "/v1/sessions/validate", "application/x-www-form-urlencoded", "token=" + tok, 415, "unsupported_media_type"},
			{"no content type", "POST", "/v1/sessions/revoke", "", `{"token":"x"}`, 415, "unsupported_media_type"},
			{"over 1 MiB", "POST", "/v1/sessions", "application/json", big, 413, "payload_too_large"},
			{"over 1 MiB token", "POST", "/v1/sessions/validate", "application/json", `{"token":"` + strings.Repeat("t", 1<<20) + `"}`, 413, "payload_too_large"},
			{"malformed JSON", "POST", "/v1/sessions", "application/json", `{"user_id":`, 400, "bad_request"},
			{"trailing data", "POST", "/v1/sessions", "application/json", `{"user_id":"u"} {}`, 400, "bad_request"},
			{"unknown member", "POST", "/v1/sessions", "application/json", `{"user_id":"u","admin":true}`, 400, "bad_request"},
			{"array body", "POST", "/v1/sessions", "application/json", `["u"]`, 400, "bad_request"},
			{"no user_id", "POST", "/v1/sessions", "application/json", `{}`, 400, "bad_request"},
			{"numeric user_id", "POST", "/v1/sessions", "application/json", `{"user_id":7}`, 400, "bad_request"},
			{"empty user_id", "POST", "/v1/sessions", "application/json", `{"user_id":""}`, 400, "bad_request"},
			{"NUL in user_id", "POST", "/v1/sessions", "application/json", `{"user_id":"a\u0000b"}`, 400, "bad_request"},
			{"long user_id", "POST", "/v1/sessions", "application/json", `{"user_id":"` + strings.Repeat("u", 257) + `"}`, 400, "bad_request"},
			{"nine auth methods", "POST", "/v1/sessions", "application/json", `{"user_id":"u","auth_methods":["a","b","c","d","e","f","g","h","i"]}`, 400, "bad_request"},
			{"empty auth method", "POST", "/v1/sessions", "application/json", `{"user_id":"u","auth_methods":[""]}`, 400, "bad_request"},
			{"long ip", "POST", "/v1/sessions", "application/json", `{"user_id":"u","ip":"` + strings.Repeat("1", 65) + `"}`, 400, "bad_request"},
			{"ip not an address", "POST", "/v1/sessions", "application/json", `{"user_id":"u","ip":"localhost"}`, 400, "bad_request"},
			{"ip with a port", "POST", "/v1/sessions/validate", "application/json", `{"token":"` + tok + `","ip":"192.0.2.10:443"}`, 400, "bad_request"},
			{"empty data key", "POST", "/v1/sessions", "application/json", `{"user_id":"u","data":{"":1}}`, 400, "bad_request"},
			{"no token", "POST", "/v1/sessions/validate", "application/json", `{}`, 400, "bad_request"},
			{"null token", "POST", "/v1/sessions/validate", "application/json", `{"token":null}`, 400, "bad_request"},
			{"numeric token", "POST", "/v1/sessions/validate", "application/json", `{"token":12345}`, 400, "bad_request"},
			{"object token", "POST", "/v1/sessions/rotate", "application/json", `{"token":{"$ne":""}}`, 400, "bad_request"},
			{"empty token", "POST", "/v1/sessions/validate", "application/json", `{"token":""}`, 401, "invalid_session"},
			{"unknown token", "POST", "/v1/sessions/validate", "application/json", `{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`, 401, "invalid_session"},
			{"flipped token", "POST", "/v1/sessions/validate", "application/json", `{"token":"` + flip(tok) + `"}`, 401, "invalid_session"},
			{"non-ASCII token", "POST", "/v1/sessions/validate", "application/json", `{"token":"héllo☃"}`, 401, "invalid_session"},
			{"NUL in token", "POST", "/v1/sessions/validate", "application/json", `{"token":"a\u0000b"}`, 401, "invalid_session"},
			{"SQL-shaped token", "POST", "/v1/sessions/validate", "application/json", `{"token":"' OR '1'='1' --"}`, 401, "invalid_session"},
			{"long token", "POST", "/v1/sessions/validate", "application/json", `{"token":"` + strings.Repeat("Z", 100_000) + `"}`, 401, "invalid_session"},
			{"token with its id", "POST", "/v1/sessions/validate", "application/json", `{"token":"` + id + `"}`, 401, "invalid_session"},
			{"token only in the query", "POST", "/v1/sessions/validate?token=" + tok, "application/json", `{}`, 400, "bad_request"},
			{"stale version as string", "POST", "/v1/sessions/data", "application/json", `{"token":"` + tok + `","version":"1"}`, 400, "bad_request"},
			{"empty key to delete", "POST", "/v1/sessions/data", "application/json", `{"token":"` + tok + `","delete":[""]}`, 400, "bad_request"},
			{"reauth without methods", "POST", "/v1/sessions/reauth", "application/json", `{"token":"` + tok + `"}`, 400, "bad_request"},
			{"audit limit 0", "GET", "/v1/audit?limit=0", "", "", 400, "bad_request"},
			{"audit limit over", "GET", "/v1/audit?limit=1001", "", "", 400, "bad_request"},
			{"audit limit word", "GET", "/v1/audit?limit=ten", "", "", 400, "bad_request"},
			{"audit unknown type", "GET", "/v1/audit?type=session.nothing", "", "", 400, "bad_request"},
			{"revoke all, wrong confirm", "DELETE", "/v1/sessions?confirm=yes", "", "", 400, "bad_request"},
			{"unknown path", "GET", "/v1/nothing", "", "", 404, "not_found"},
			{"wrong method", "GET", "/v1/sessions/validate", "", "", 405, "method_not_allowed"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				h := http.Header{"Authorization": {"Bearer " + s.key}}
				if tc.contentType != "" {
					h.Set("Content-Type", tc.contentType)
				}
				var body any
				if tc.body != "" {
					body = tc.body
				}
				a := s.send(t, tc.method, tc.path, body, h)
				if a.code != tc.code || str(a.body, "error") != tc.errName || str(a.body, "detail") == "" {
					t.Errorf("got %d %.200s, want %d %s with a detail", a.code, a.raw, tc.code, tc.errName)
				}
			})
		}
		if a := s.call(t, "GET", "/v1/sessions/validate", nil); a.header.Get("Allow") != "POST" {
			t.Errorf("GET /v1/sessions/validate: got Allow %q, want POST, the methods of that path alone", a.header.Get("Allow"))
		}
		want(t, "the session after bad input", s.call(t, "POST", "/v1/sessions/validate", with("token", tok)), http.StatusOK)
		s.checkLogs(t)
	})
}

// TestBadInput_Odd_R4 sends odd but well-formed values in paths and
// queries to every store: NUL bytes, control characters, very long ids.
// Each answer is below 500 and echoes nothing.
func TestBadInput_Odd_R4(t *testing.T) {
	eachStore(t, func(t *testing.T, s *appService) {
		tok, _ := s.login(t, "alice")
		odd := []string{"%00", "a%00b", "%0d%0aSet-Cookie:%20x=1", strings.Repeat("x", 4000), "%E2%98%83", "..%2F..%2Fetc%2Fpasswd", "'%20OR%201=1"}
		for _, v := range odd {
			for _, c := range []struct{ method, path string }{
				{"GET", "/v1/users/" + v + "/sessions"},
				{"DELETE", "/v1/users/" + v + "/sessions?except=" + v},
				{"DELETE", "/v1/sessions/" + v},
				{"GET", "/v1/audit?user_id=" + v + "&session_id=" + v + "&type=" + v},
			} {
				a := s.call(t, c.method, c.path, nil)
				if a.code >= 500 {
					t.Errorf("%s %.80s: got %d %s, want a status below 500", c.method, c.path, a.code, a.raw)
				}
				if len(v) > 8 && strings.Contains(string(a.raw), v) {
					t.Errorf("%s %.80s: the answer echoes the input", c.method, c.path)
				}
			}
		}
		for _, user := range []string{"a\x00b", "\x00", "line\r\nbreak", "\u202etxt.exe", "☃"} {
			a := s.call(t, "POST", "/v1/sessions", map[string]any{"user_id": user, "ip": "\x00", "user_agent": "\x00\x01", "data": map[string]any{"\x00": "\x00"}})
			if a.code >= 500 {
				t.Errorf("create for user %q: got %d %s, want a status below 500", user, a.code, a.raw)
			}
		}
		a := s.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok, "ip": "\x00", "user_agent": "\x00"})
		if a.code >= 500 {
			t.Errorf("validate with NUL client: got %d %s, want a status below 500", a.code, a.raw)
		}
	})
}
