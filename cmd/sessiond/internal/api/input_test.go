package api

import (
	"net/http"
	"testing"
)

// Every call that takes ip refuses one that is not an IP address, with
// the same 400 and detail; a missing ip is no address, and accepted.
func TestAPI_IPIsAnAddressOnEveryCall(t *testing.T) {
	a := newTestAPI(t)
	// calls gives each call's body for a fresh session's token.
	calls := map[string]func(tok string) map[string]any{
		"/v1/sessions": func(string) map[string]any { return map[string]any{"user_id": "bob"} },
		"/v1/sessions/validate": func(tok string) map[string]any {
			return map[string]any{"token": tok, "user_agent": "agent"}
		},
		"/v1/sessions/reauth": func(tok string) map[string]any {
			return map[string]any{"token": tok, "user_agent": "agent", "auth_methods": []string{"pwd"}}
		},
	}
	for path, body := range calls {
		for _, ip := range []string{"nope", "192.0.2", "192.0.2.1:443", "192.0.2.001", "fe80::1%eth0", "2001:db8::1/64", " 192.0.2.1", "<script>"} {
			tok, _ := a.login(t, "alice")
			b := body(tok)
			b["ip"] = ip
			code, out := a.call(t, "POST", path, b)
			if code != http.StatusBadRequest || out["error"] != "bad_request" || out["detail"] != badIP {
				t.Errorf("%s with ip %q: got %d %v, want 400 bad_request %q", path, ip, code, out, badIP)
			}
		}
		for _, ip := range []string{"192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", ""} {
			tok, _ := a.login(t, "alice")
			b := body(tok)
			b["ip"] = ip
			if code, out := a.call(t, "POST", path, b); code >= 300 {
				t.Errorf("%s with ip %q: got %d %v, want it accepted", path, ip, code, out)
			}
		}
	}
}

// GET /v1/audit refuses a type that is no audit event type, as it refuses
// a bad limit, instead of answering no events.
func TestAPI_AuditTypeIsKnown(t *testing.T) {
	a := newTestAPI(t)
	a.login(t, "alice")
	for _, q := range []string{"type=session.nothing", "type=SESSION.CREATED", "type=session.created%00", "user_id=alice&type=created"} {
		code, out := a.call(t, "GET", "/v1/audit?"+q, nil)
		if code != http.StatusBadRequest || out["error"] != "bad_request" || out["detail"] == "" {
			t.Errorf("audit?%s: got %d %v, want 400 bad_request with a detail", q, code, out)
		}
	}
	code, out := a.call(t, "GET", "/v1/audit?user_id=alice&type=session.created", nil)
	if events, _ := out["events"].([]any); code != http.StatusOK || len(events) != 1 {
		t.Errorf("audit of a known type: got %d %v, want 200 with the one event", code, out)
	}
}

// A session's version starts at 1, with data as without, and grows by one
// on each data change.
func TestAPI_VersionStartsAt1(t *testing.T) {
	a := newTestAPI(t)
	for name, body := range map[string]map[string]any{
		"without data": {"user_id": "alice"},
		"with data":    {"user_id": "alice", "data": map[string]any{"theme": "dark", "cart": []int{1}}},
	} {
		code, out := a.call(t, "POST", "/v1/sessions", body)
		s, _ := out["session"].(map[string]any)
		if code != http.StatusCreated || s["version"] != 1.0 {
			t.Fatalf("create %s: got %d %v, want 201 at version 1", name, code, out)
		}
		code, out = a.call(t, "POST", "/v1/sessions/data", map[string]any{"token": out["token"], "set": map[string]any{"k": 1}, "version": 1})
		if s, _ := out["session"].(map[string]any); code != http.StatusOK || s["version"] != 2.0 {
			t.Errorf("data change at version 1 of a session created %s: got %d %v, want 200 at version 2", name, code, out)
		}
	}
}
