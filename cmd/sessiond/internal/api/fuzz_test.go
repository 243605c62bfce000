package api

import (
	"net/http"
	"net/http/httptest"
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
