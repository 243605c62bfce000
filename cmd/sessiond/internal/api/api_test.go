package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
)

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// nopAuditor drops events.
type nopAuditor struct{}

func (nopAuditor) Audit(context.Context, sessiond.Event) {}

// testKeys are the data keys of the tests' Managers.
var testKeys = []sessiond.Key{{ID: 1, Secret: make([]byte, 32)}}

// testAPI is the API on a memstore with a fake clock.
type testAPI struct {
	h     http.Handler
	m     *sessiond.Manager
	clock *clock
	store *memstore.Store
}

func newTestAPI(t testing.TB) *testAPI {
	t.Helper()
	clk := fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	store := memstore.New(memstore.Config{Now: clk.Now})
	t.Cleanup(func() { store.Close() })
	m, err := sessiond.New(store, sessiond.Config{
		Now: clk.Now, Auditor: sessiond.StoreAuditor{Store: store, Next: nopAuditor{}},
		Keys: testKeys, DeviceBinding: sessiond.DeviceBindingConfig{Enabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &testAPI{h: Handler(Config{Manager: m, Audit: store}), m: m, clock: clk, store: store}
}

// call sends a JSON body (a string is sent as is) and decodes the answer.
func (a *testAPI) call(t testing.TB, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	switch b := body.(type) {
	case nil:
	case string:
		buf.WriteString(b)
	default:
		json.NewEncoder(&buf).Encode(b)
	}
	r := httptest.NewRequest(method, path, &buf)
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, r)
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" && w.Code < 404 {
		t.Errorf("%s %s: Cache-Control %q, want no-store", method, path, cc)
	}
	var out map[string]any
	json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// login creates a session for user and returns its token and id.
func (a *testAPI) login(t testing.TB, user string) (string, string) {
	t.Helper()
	code, out := a.call(t, "POST", "/v1/sessions", map[string]any{
		"user_id": user, "ip": "192.0.2.1", "user_agent": "agent", "auth_methods": []string{"pwd"},
		"data": map[string]any{"theme": "dark"},
	})
	if code != http.StatusCreated {
		t.Fatalf("create = %d %v", code, out)
	}
	return out["token"].(string), out["session"].(map[string]any)["id"].(string)
}

func TestAPI_Lifecycle(t *testing.T) {
	a := newTestAPI(t)
	tok, id := a.login(t, "alice")

	code, out := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok, "ip": "192.0.2.1", "user_agent": "agent"})
	s := out["session"].(map[string]any)
	if code != 200 || s["id"] != id || s["user_id"] != "alice" || s["data"].(map[string]any)["theme"] != "dark" {
		t.Fatalf("validate = %d %v", code, out)
	}
	if _, has := out["token"]; has {
		t.Errorf("validate of a fresh token answered a token")
	}
	for _, k := range []string{"created_at", "last_seen_at", "idle_expires_at", "absolute_expires_at", "auth_time", "auth_methods", "ip", "user_agent", "version", "data"} {
		if _, ok := s[k]; !ok {
			t.Errorf("session lacks %q", k)
		}
	}

	v := s["version"].(float64)
	code, out = a.call(t, "POST", "/v1/sessions/data", map[string]any{"token": tok, "set": map[string]any{"cart": []int{1, 2}}, "delete": []string{"theme"}, "version": v})
	if code != 200 || out["session"].(map[string]any)["version"].(float64) != v+1 {
		t.Fatalf("data = %d %v", code, out)
	}
	if d := out["session"].(map[string]any)["data"].(map[string]any); d["theme"] != nil || d["cart"] == nil {
		t.Errorf("data after set and delete = %v", d)
	}
	code, _ = a.call(t, "POST", "/v1/sessions/data", map[string]any{"token": tok, "set": map[string]any{"x": 1}, "version": v})
	if code != http.StatusConflict {
		t.Errorf("data with a stale version = %d, want 409", code)
	}

	code, out = a.call(t, "POST", "/v1/sessions/rotate", map[string]any{"token": tok})
	newTok, _ := out["token"].(string)
	if code != 200 || newTok == "" || newTok == tok {
		t.Fatalf("rotate = %d %v", code, out)
	}
	// The old token works inside its grace window, and is never answered
	// with the new one.
	code, out = a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok})
	if code != 200 || out["token"] != nil {
		t.Errorf("old token inside grace = %d %v", code, out)
	}

	a.clock.Advance(time.Minute)
	code, out = a.call(t, "POST", "/v1/sessions/reauth", map[string]any{"token": newTok, "auth_methods": []string{"pwd", "totp"}})
	reTok, _ := out["token"].(string)
	if code != 200 || reTok == "" {
		t.Fatalf("reauth = %d %v", code, out)
	}
	if at := out["session"].(map[string]any)["auth_time"]; at != a.clock.Now().Format(time.RFC3339) {
		t.Errorf("auth_time after reauth = %v, want %v", at, a.clock.Now().Format(time.RFC3339))
	}

	if code, _ := a.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": reTok}); code != http.StatusNoContent {
		t.Errorf("revoke = %d, want 204", code)
	}
	code, out = a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": reTok})
	if code != 401 || out["error"] != "invalid_session" {
		t.Errorf("validate after revoke = %d %v, want 401 invalid_session", code, out)
	}
}

func TestAPI_PeriodicRotationAnswersNewToken(t *testing.T) {
	a := newTestAPI(t)
	tok, _ := a.login(t, "alice")
	a.clock.Advance(sessiond.DefaultRotateEvery)
	_, out := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok})
	newTok, _ := out["token"].(string)
	if newTok == "" || newTok == tok {
		t.Fatalf("validate of an old token = %v, want a new token", out)
	}
	if code, out := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok}); code != 200 || out["token"] != nil {
		t.Errorf("old token in grace = %d %v, want 200 without a token", code, out)
	}
}

func TestAPI_InvalidTokensLookAlike_R49(t *testing.T) {
	a := newTestAPI(t)
	expired, _ := a.login(t, "alice")
	revoked, _ := a.login(t, "bob")
	a.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": revoked})
	a.clock.Advance(sessiond.DefaultIdleTimeout)
	_, want := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": "unknown"})
	if want["error"] != "invalid_session" {
		t.Fatalf("unknown token: got %v, want {error: invalid_session, ...}", want)
	}
	for name, tok := range map[string]string{
		"expired": expired, "revoked": revoked, "unknown": strings.Repeat("A", 43),
		"malformed": "<script>", "empty": "", "huge": strings.Repeat("x", 100000),
	} {
		if code, out := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok}); code != 401 || !reflect.DeepEqual(out, want) {
			t.Errorf("%s token: %d %v, want 401 %v", name, code, out, want)
		}
	}
}

func TestAPI_BadInput(t *testing.T) {
	a := newTestAPI(t)
	tok, _ := a.login(t, "alice")
	cases := []struct {
		name, method, path, ctype string
		body                      string
		want                      int
	}{
		{"malformed JSON", "POST", "/v1/sessions/validate", "application/json", `{"token":`, 400},
		{"token missing", "POST", "/v1/sessions/validate", "application/json", `{}`, 400},
		{"token a number", "POST", "/v1/sessions/validate", "application/json", `{"token":42}`, 400},
		{"token null", "POST", "/v1/sessions/validate", "application/json", `{"token":null}`, 400},
		{"unknown member", "POST", "/v1/sessions/validate", "application/json", `{"token":"` + tok + `","x":1}`, 400},
		{"trailing data", "POST", "/v1/sessions/validate", "application/json", `{"token":"` + tok + `"} {}`, 400},
		// A repeated member could be read one way here and another way by
		// a proxy or a log: refused.
		{"repeated member", "POST", "/v1/sessions/validate", "application/json", `{"token":"x","token":"` + tok + `"}`, 400},
		{"member name in other case", "POST", "/v1/sessions/validate", "application/json", `{"Token":"` + tok + `"}`, 400},
		{"invalid UTF-8", "POST", "/v1/sessions", "application/json", "{\"user_id\":\"u\xff\"}", 400},
		{"array body", "POST", "/v1/sessions", "application/json", `[]`, 400},
		{"user_id missing", "POST", "/v1/sessions", "application/json", `{}`, 400},
		{"user_id empty", "POST", "/v1/sessions", "application/json", `{"user_id":""}`, 400},
		{"user_id huge", "POST", "/v1/sessions", "application/json", `{"user_id":"` + strings.Repeat("u", 300) + `"}`, 400},
		{"user_id with a right-to-left override", "POST", "/v1/sessions", "application/json", `{"user_id":"admin\u202egpj.exe"}`, 400},
		{"user_id with a zero-width space", "POST", "/v1/sessions", "application/json", `{"user_id":"ad\u200bmin"}`, 400},
		{"too many methods", "POST", "/v1/sessions", "application/json", `{"user_id":"u","auth_methods":["a","b","c","d","e","f","g","h","i"]}`, 400},
		{"empty data key", "POST", "/v1/sessions", "application/json", `{"user_id":"u","data":{"":1}}`, 400},
		{"reauth without methods", "POST", "/v1/sessions/reauth", "application/json", `{"token":"` + tok + `"}`, 400},
		{"text/plain", "POST", "/v1/sessions/validate", "text/plain", `{"token":"x"}`, 415},
		{"form", "POST", "/v1/sessions", "application/x-www-form-urlencoded", `user_id=u`, 415},
		{"no content type", "POST", "/v1/sessions", "", `{"user_id":"u"}`, 415},
		{"too large", "POST", "/v1/sessions", "application/json", `{"user_id":"u","data":{"k":"` + strings.Repeat("x", 1<<20) + `"}}`, 413},
		{"delete all unconfirmed", "DELETE", "/v1/sessions", "", ``, 400},
		{"bad limit", "GET", "/v1/audit?limit=0", "", ``, 400},
		{"limit not a number", "GET", "/v1/audit?limit=ten", "", ``, 400},
		{"unknown path", "GET", "/v1/nothing", "", ``, 404},
		{"the API's root", "GET", "/v1/", "", ``, 404},
		{"a call's path with a slash", "POST", "/v1/sessions/validate/", "application/json", `{}`, 404},
		{"no session id", "DELETE", "/v1/sessions/", "", ``, 404},
		{"past a call's path", "GET", "/v1/users/alice/sessions/x", "", ``, 404},
		{"wrong method", "GET", "/v1/sessions/validate", "", ``, 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			w := httptest.NewRecorder()
			a.h.ServeHTTP(w, r)
			if w.Code != c.want {
				t.Errorf("status %d, want %d (%s)", w.Code, c.want, w.Body)
			}
			errorOf(t, w)
			if strings.Contains(w.Body.String(), tok) {
				t.Errorf("the answer echoes the token")
			}
		})
	}
}

func TestAPI_UserSessionsAndRevocation_R32(t *testing.T) {
	a := newTestAPI(t)
	t1, id1 := a.login(t, "alice")
	t2, _ := a.login(t, "alice")
	tb, _ := a.login(t, "bob")

	code, out := a.call(t, "GET", "/v1/users/alice/sessions", nil)
	list := out["sessions"].([]any)
	if code != 200 || len(list) != 2 {
		t.Fatalf("list = %d %v", code, out)
	}
	for _, s := range list {
		if _, has := s.(map[string]any)["token"]; has {
			t.Errorf("a listed session carries a token")
		}
	}
	code, out = a.call(t, "DELETE", "/v1/users/alice/sessions?except="+id1, nil)
	if code != 200 || out["revoked"].(float64) != 1 {
		t.Fatalf("revoke user except = %d %v", code, out)
	}
	valid := func(tok string) bool {
		code, _ := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok})
		return code == 200
	}
	if !valid(t1) || valid(t2) || !valid(tb) {
		t.Errorf("after revoking alice's except %s: %v %v %v", id1, valid(t1), valid(t2), valid(tb))
	}
	if code, _ := a.call(t, "DELETE", "/v1/sessions/"+id1, nil); code != http.StatusNoContent || valid(t1) {
		t.Errorf("delete by id = %d, session still valid: %v", code, valid(t1))
	}
	code, out = a.call(t, "DELETE", "/v1/sessions?confirm=all", nil)
	if code != 200 || out["revoked"].(float64) != 1 || valid(tb) {
		t.Errorf("delete all = %d %v", code, out)
	}
}

func TestAPI_AnomalyDemandsReauth(t *testing.T) {
	a := newTestAPI(t)
	tok, _ := a.login(t, "alice")
	code, out := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok, "ip": "192.0.2.1", "user_agent": "other"})
	if code != 401 || out["error"] != "reauth_required" {
		t.Fatalf("validate with a new User-Agent = %d %v, want 401 reauth_required", code, out)
	}
	code, out = a.call(t, "POST", "/v1/sessions/reauth", map[string]any{"token": tok, "auth_methods": []string{"pwd"}, "ip": "192.0.2.1", "user_agent": "other"})
	newTok, _ := out["token"].(string)
	if code != 200 || out["session"].(map[string]any)["user_agent"] != "other" {
		t.Fatalf("reauth = %d %v", code, out)
	}
	if code, _ := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": newTok, "ip": "192.0.2.1", "user_agent": "other"}); code != 200 {
		t.Errorf("validate after reauth = %d, want 200", code)
	}
}

func TestAPI_Audit(t *testing.T) {
	a := newTestAPI(t)
	tok, id := a.login(t, "alice")
	a.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": tok})
	code, out := a.call(t, "GET", "/v1/audit?user_id=alice&type=session.revoked", nil)
	events := out["events"].([]any)
	if code != 200 || len(events) != 1 {
		t.Fatalf("audit = %d %v", code, out)
	}
	e := events[0].(map[string]any)
	for _, k := range []string{"id", "time", "type", "user_id", "session_id", "ip", "user_agent", "reason", "actor"} {
		if _, ok := e[k]; !ok {
			t.Errorf("event lacks %q", k)
		}
	}
	if e["session_id"] != id || e["reason"] != "logout" {
		t.Errorf("event = %v", e)
	}
	if code, out := a.call(t, "GET", "/v1/audit?session_id="+id+"&limit=1", nil); code != 200 || len(out["events"].([]any)) != 1 {
		t.Errorf("audit by session with limit = %d %v", code, out)
	}
}

// TestAPI_AuditPages pages through the audit log: each page holds at most
// limit events, newest first, none twice, next_cursor leads to the next
// and is "" after the last; a cursor used with another selection, or one
// the call never returned, is refused with 400.
func TestAPI_AuditPages(t *testing.T) {
	a := newTestAPI(t)
	tok, _ := a.login(t, "bob") // older than every page: a cursor of another selection may reach its revocation
	a.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": tok})
	for range 5 {
		a.clock.Advance(time.Second)
		a.login(t, "alice")
	}
	var seen []string
	cursor, pages := "", 0
	for {
		code, out := a.call(t, "GET", "/v1/audit?type=session.created&limit=2&cursor="+url.QueryEscape(cursor), nil)
		if code != http.StatusOK {
			t.Fatalf("page %d: got %d %v", pages+1, code, out)
		}
		pages++
		events := out["events"].([]any)
		if len(events) > 2 {
			t.Fatalf("page %d holds %d events, want at most 2", pages, len(events))
		}
		for _, e := range events {
			seen = append(seen, e.(map[string]any)["time"].(string)+" "+e.(map[string]any)["id"].(string))
		}
		next, ok := out["next_cursor"].(string)
		if !ok {
			t.Fatalf("page %d has no next_cursor: %v", pages, out)
		}
		if next == "" {
			break
		}
		if pages == 1 {
			// A store may refuse a cursor of another selection or read on
			// from its place; either way only that selection's events.
			code, other := a.call(t, "GET", "/v1/audit?type=session.revoked&cursor="+url.QueryEscape(next), nil)
			if code == http.StatusOK {
				for _, e := range other["events"].([]any) {
					if typ := e.(map[string]any)["type"]; typ != "session.revoked" {
						t.Errorf("a cursor with type=session.revoked gave an event of type %v", typ)
					}
				}
			} else if code != http.StatusBadRequest {
				t.Errorf("a cursor with another type: got %d, want 400 or a page of that selection", code)
			}
		}
		cursor = next
	}
	if len(seen) != 6 || pages < 3 {
		t.Fatalf("got %d events in %d pages, want the 6 in at least 3", len(seen), pages)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Errorf("events out of order or repeated: %q after %q", seen[i], seen[i-1])
		}
	}
	if code, out := a.call(t, "GET", "/v1/audit?cursor=not-a-cursor", nil); code != http.StatusBadRequest || strings.Contains(fmt.Sprint(out), "not-a-cursor") {
		t.Errorf("a cursor the call never returned: got %d %v, want 400 that does not quote it", code, out)
	}
}
