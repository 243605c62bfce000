package api

import (
	"net/http"
	"testing"
)

// A rotated-out token inside its grace window keeps serving validate and
// data, but rotate and reauth refuse it: whoever stole it must not turn
// it into a live token (R23).
func TestAPI_GraceTokenMintsNothing_R23(t *testing.T) {
	a := newTestAPI(t)
	old, _ := a.login(t, "alice")
	code, out := a.call(t, "POST", "/v1/sessions/rotate", map[string]any{"token": old})
	current, _ := out["token"].(string)
	if code != 200 || current == "" {
		t.Fatalf("rotate = %d %v", code, out)
	}
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/v1/sessions/rotate", map[string]any{"token": old}},
		{"/v1/sessions/reauth", map[string]any{"token": old, "auth_methods": []string{"pwd"}}},
	} {
		if code, out := a.call(t, "POST", c.path, c.body); code != http.StatusUnauthorized || out["error"] != "invalid_session" || out["token"] != nil {
			t.Errorf("%s with the grace token = %d %v, want 401 invalid_session", c.path, code, out)
		}
	}
	if code, out := a.call(t, "POST", "/v1/sessions/data", map[string]any{"token": old, "set": map[string]any{"k": 1}}); code != 200 {
		t.Errorf("data with the grace token = %d %v, want 200 (a request in flight)", code, out)
	}
	if code, out := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": current}); code != 200 || out["session"].(map[string]any)["data"].(map[string]any)["k"] != 1.0 {
		t.Errorf("validate of the current token = %d %v, want 200 with the data", code, out)
	}
	// Logout with a grace token ends the session.
	if code, _ := a.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": old}); code != http.StatusNoContent {
		t.Errorf("revoke with the grace token = %d, want 204", code)
	}
	if code, _ := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": current}); code != http.StatusUnauthorized {
		t.Errorf("the current token after a logout with the grace token = %d, want 401", code)
	}
}

// A session that must re-authenticate serves reauth and nothing else.
func TestAPI_ReauthRequiredOnlyReauthenticates(t *testing.T) {
	a := newTestAPI(t)
	tok, _ := a.login(t, "alice")
	other := map[string]any{"token": tok, "ip": "192.0.2.1", "user_agent": "other"}
	if code, out := a.call(t, "POST", "/v1/sessions/validate", other); code != 401 || out["error"] != "reauth_required" {
		t.Fatalf("validate with a new User-Agent = %d %v, want 401 reauth_required", code, out)
	}
	for path, body := range map[string]map[string]any{
		"/v1/sessions/rotate": {"token": tok},
		"/v1/sessions/data":   {"token": tok, "set": map[string]any{"k": 1}},
	} {
		if code, out := a.call(t, "POST", path, body); code != 401 || out["error"] != "reauth_required" {
			t.Errorf("%s = %d %v, want 401 reauth_required", path, code, out)
		}
	}
	code, out := a.call(t, "POST", "/v1/sessions/reauth", map[string]any{"token": tok, "auth_methods": []string{"pwd"}, "ip": "192.0.2.1", "user_agent": "other"})
	if code != 200 || out["session"].(map[string]any)["data"].(map[string]any)["k"] != nil {
		t.Errorf("reauth = %d %v, want 200 with no data written while it was due", code, out)
	}
}

// An empty User-Agent where one was recorded is a change, and never
// becomes the value compared next.
func TestAPI_EmptyUserAgentIsAChange(t *testing.T) {
	a := newTestAPI(t)
	tok, _ := a.login(t, "alice")
	if code, out := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok, "ip": "192.0.2.1", "user_agent": ""}); code != 401 || out["error"] != "reauth_required" {
		t.Errorf("validate with an empty User-Agent = %d %v, want 401 reauth_required", code, out)
	}
	tok2, _ := a.login(t, "bob")
	a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok2, "user_agent": ""})
	if code, out := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok2, "ip": "192.0.2.1", "user_agent": "other"}); code != 401 || out["error"] != "reauth_required" {
		t.Errorf("validate with another User-Agent after an empty one = %d %v, want 401 reauth_required", code, out)
	}
}
