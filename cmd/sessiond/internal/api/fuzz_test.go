package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
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
	paths := []string{"/v1/sessions/validate", "/v1/sessions/data", "/v1/sessions/reauth", "/v1/sessions", "/v1/sessions/device/registration", "/v1/sessions/device/refresh"}
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

// FuzzErrorAnswer_R4 sends arbitrary bodies to every call that takes one,
// with a live token wherever the input says TOKEN: as a value, a member
// name, a data key, inside malformed JSON. Every refusal is JSON with an
// error name and a detail, and none carries the token, whatever the
// decoder's own error message quotes (R4).
func FuzzErrorAnswer_R4(f *testing.F) {
	a := newTestAPI(f)
	for _, seed := range []string{
		`{"token":"TOKEN"}`,
		`{"TOKEN":1}`,
		`{"token":"x","TOKEN":1}`,
		`{"token":"TOKEN","token":"TOKEN"}`,
		`{"token":"x","set":{"TOKEN":1,"TOKEN":2}}`,
		`{"user_id":"u","data":{"TOKEN":1,"TOKEN":2}}`,
		`{"token":"TOKEN\u12"}`,
		`{"token":"TOKEN" "TOKEN"}`,
		`{"token":"TOKEN"} TOKEN`,
		`{"version":"TOKEN","token":"TOKEN"}`,
		`{"token":"TOKEN","auth_methods":["TOKEN",1]}`,
		`{"token":"TOKEN","ip":"TOKEN"}`,
		"{\"token\":\"TOKEN\xff\"}",
		"{\"TOKEN\xff\":1}",
		`{TOKEN:1}`,
		`{"user_id":"TOKEN\u202e"}`,
	} {
		f.Add(seed)
	}
	paths := []string{"/v1/sessions", "/v1/sessions/validate", "/v1/sessions/rotate", "/v1/sessions/data", "/v1/sessions/reauth", "/v1/sessions/revoke"}
	f.Fuzz(func(t *testing.T, body string) {
		a.clock.Advance(time.Minute) // a fresh minute for the invalid-token limit
		code, out := a.call(t, "POST", "/v1/sessions", map[string]any{"user_id": "alice"})
		if code != http.StatusCreated {
			t.Fatalf("create = %d %v", code, out)
		}
		tok := out["token"].(string)
		body = strings.ReplaceAll(body, "TOKEN", tok)
		for _, p := range paths {
			r := httptest.NewRequest("POST", p, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			a.h.ServeHTTP(w, r)
			if w.Code < 400 {
				continue
			}
			if w.Code >= 500 {
				t.Fatalf("POST %s %q: status %d", p, body, w.Code)
			}
			var e errorAnswer
			if err := strictJSON(w.Body.Bytes(), &e); err != nil || e.Error == "" || e.Detail == "" {
				t.Fatalf("POST %s %q: got %q, want {error, detail}", p, body, w.Body)
			}
			if strings.Contains(w.Body.String(), tok) {
				t.Fatalf("POST %s %q: the refusal %q carries the token", p, body, w.Body)
			}
		}
	})
}

// FuzzAuditQuery sends GET /v1/audit with any query, cursor included:
// the answer is 200 or 400, never a server error, and a 400 says one of
// its fixed details, never a value of the query.
func FuzzAuditQuery(f *testing.F) {
	a := newTestAPI(f)
	a.login(f, "alice")
	a.login(f, "alice")
	_, out := a.call(f, "GET", "/v1/audit?limit=1", nil)
	next, _ := out["next_cursor"].(string)
	for _, seed := range []string{
		"cursor=" + url.QueryEscape(next), "limit=1&cursor=" + url.QueryEscape(next),
		"type=session.created&cursor=" + url.QueryEscape(next), "cursor=AAAA", "cursor=%ff%fe",
		"cursor=" + strings.Repeat("A", 4096), "user_id=alice&limit=0", "type=x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "/v1/audit", nil)
		r.URL.RawQuery = query
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("GET /v1/audit?%s: status %d %s", query, w.Code, w.Body)
		}
		var answer struct{ Detail string }
		if w.Code == http.StatusBadRequest && (json.Unmarshal(w.Body.Bytes(), &answer) != nil || !auditDetails[answer.Detail]) {
			t.Fatalf("a refusal that is not one of the fixed ones, which quote nothing: %s", w.Body)
		}
	})
}

// auditDetails are the details GET /v1/audit refuses a query with.
var auditDetails = map[string]bool{
	"the query is malformed":                                                                      true,
	"limit must be an integer from 1 to 1000":                                                     true,
	"type is not an audit event type (see EventType in GET /v1/openapi.json)":                     true,
	"cursor must be a next_cursor this call returned, with the same user_id, session_id and type": true,
}
