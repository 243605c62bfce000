package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// endUser is who every flow test speaks for: the ip and user_agent
// members of the calls that take them.
var endUser = map[string]any{"ip": "192.0.2.10", "user_agent": "e2e-agent/1.0"}

// with returns the end user's members plus the given ones.
func with(kv ...any) map[string]any {
	m := map[string]any{"ip": endUser["ip"], "user_agent": endUser["user_agent"]}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// want fails unless a has the status.
func want(t *testing.T, what string, a answer, code int) {
	t.Helper()
	if a.code != code {
		t.Fatalf("%s: got %d %s, want %d", what, a.code, a.raw, code)
	}
}

// sessionMembers are the members every session object carries.
var sessionMembers = []string{"id", "user_id", "state", "created_at", "last_seen_at", "idle_expires_at",
	"absolute_expires_at", "auth_time", "auth_methods", "ip", "user_agent", "version", "data"}

// login creates a session for user and returns its token and id.
func (s *service) login(t *testing.T, user string) (token, id string) {
	t.Helper()
	a := s.call(t, "POST", "/v1/sessions", with("user_id", user, "auth_methods", []string{"pwd"}, "data", map[string]any{"theme": "dark"}))
	want(t, "create", a, http.StatusCreated)
	return str(a.body, "token"), str(a.body, "session", "id")
}

// TestFlow_SessionLifecycle_R5_R23_R28 drives one session from creation
// to logout on every store: create, validate, data, rotate (the old token
// lives for the grace window only, and never learns the new one), reauth,
// revoke (every token of the session dies at once).
func TestFlow_SessionLifecycle_R5_R23_R28(t *testing.T) {
	eachStore(t, func(t *testing.T, s *appService) {
		start := time.Now().UTC().Add(-time.Second)
		tok, id := s.login(t, "alice")
		other, otherID := s.login(t, "alice")
		if tok == other || id == otherID {
			t.Fatalf("two logins: got the same token or id twice")
		}

		a := s.call(t, "POST", "/v1/sessions/validate", with("token", tok))
		want(t, "validate", a, http.StatusOK)
		checkSession(t, a, id, "alice")
		if _, has := a.body["token"]; has {
			t.Errorf("validate of a fresh token: got a token member, want none")
		}
		if got := a.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control: got %q, want no-store", got)
		}
		if sts := a.header.Get("Strict-Transport-Security"); !strings.Contains(sts, "max-age=31536000") || !strings.Contains(sts, "includeSubDomains") {
			t.Errorf("Strict-Transport-Security: got %q, want a year with includeSubDomains (R12)", sts)
		}
		if created, err := time.Parse(time.RFC3339, str(a.body, "session", "created_at")); err != nil || created.Before(start) {
			t.Errorf("created_at: got %q, want an RFC 3339 time after %v", str(a.body, "session", "created_at"), start)
		}

		v := dig(a.body, "session", "version").(float64)
		if v != 1 {
			t.Errorf("version of a session created with data: got %v, want 1", v)
		}
		a = s.call(t, "POST", "/v1/sessions/data", map[string]any{"token": tok, "set": map[string]any{"cart": []int{1, 2}}, "delete": []string{"theme"}, "version": v})
		want(t, "data", a, http.StatusOK)
		if got := dig(a.body, "session", "version"); got != v+1 {
			t.Errorf("version after a data change: got %v, want %v", got, v+1)
		}
		if d := dig(a.body, "session", "data").(map[string]any); d["theme"] != nil || d["cart"] == nil {
			t.Errorf("data after set and delete: got %v", d)
		}
		want(t, "data with a stale version", s.call(t, "POST", "/v1/sessions/data", map[string]any{"token": tok, "set": map[string]any{"x": 1}, "version": v}), http.StatusConflict)
		a = s.call(t, "POST", "/v1/sessions/data", map[string]any{"token": tok, "set": map[string]any{"lang": "fr"}})
		want(t, "data without a version", a, http.StatusOK)
		if d := dig(a.body, "session", "data").(map[string]any); d["cart"] == nil || d["lang"] != "fr" || d["x"] != nil {
			t.Errorf("merged data: got %v", d)
		}

		a = s.call(t, "POST", "/v1/sessions/rotate", map[string]any{"token": tok})
		want(t, "rotate", a, http.StatusOK)
		rotated := str(a.body, "token")
		if rotated == "" || rotated == tok || str(a.body, "session", "id") != id {
			t.Fatalf("rotate: got token %t and id %q, want a new token for %q", rotated != "", str(a.body, "session", "id"), id)
		}
		a = s.call(t, "POST", "/v1/sessions/validate", with("token", tok))
		want(t, "validate of the rotated-out token in its grace window", a, http.StatusOK)
		if _, has := a.body["token"]; has {
			t.Errorf("validate of a rotated-out token: got a token member, want none")
		}

		before := time.Now().UTC().Add(-time.Second)
		a = s.call(t, "POST", "/v1/sessions/reauth", with("token", rotated, "auth_methods", []string{"pwd", "totp"}))
		want(t, "reauth", a, http.StatusOK)
		reauthed := str(a.body, "token")
		if reauthed == "" || reauthed == rotated {
			t.Fatalf("reauth: got no new token")
		}
		if at, _ := time.Parse(time.RFC3339, str(a.body, "session", "auth_time")); at.Before(before) {
			t.Errorf("auth_time after reauth: got %v, want after %v", at, before)
		}
		if m := dig(a.body, "session", "auth_methods"); !slices.Equal(toStrings(m), []string{"pwd", "totp"}) {
			t.Errorf("auth_methods after reauth: got %v, want [pwd totp]", m)
		}

		a = s.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": reauthed})
		want(t, "revoke", a, http.StatusNoContent)
		for _, dead := range []string{tok, rotated, reauthed} {
			a = s.call(t, "POST", "/v1/sessions/validate", with("token", dead))
			want(t, "validate after logout", a, http.StatusUnauthorized)
			if got := str(a.body, "error"); got != "invalid_session" {
				t.Errorf("validate after logout: got error %q, want invalid_session", got)
			}
		}
		want(t, "the other login still validates", s.call(t, "POST", "/v1/sessions/validate", with("token", other)), http.StatusOK)
		s.checkLogs(t)
	})
}

// checkSession checks the session of an answer.
func checkSession(t *testing.T, a answer, id, user string) {
	t.Helper()
	sess, _ := a.body["session"].(map[string]any)
	for _, k := range sessionMembers {
		if _, ok := sess[k]; !ok {
			t.Errorf("session lacks %q", k)
		}
	}
	if sess["id"] != id || sess["user_id"] != user || sess["state"] != "active" {
		t.Errorf("session: got id %v user %v state %v, want %s %s active", sess["id"], sess["user_id"], sess["state"], id, user)
	}
}

// toStrings converts a decoded JSON array of strings.
func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

// TestFlow_Operators_R32_R34 lists a user's sessions (never with tokens),
// revokes them but one, revokes one by id, and ends every session.
func TestFlow_Operators_R32_R34(t *testing.T) {
	eachStore(t, func(t *testing.T, s *appService) {
		var toks, ids []string
		for range 3 {
			tok, id := s.login(t, "bob")
			toks, ids = append(toks, tok), append(ids, id)
		}
		a := s.call(t, "GET", "/v1/users/bob/sessions", nil)
		want(t, "list", a, http.StatusOK)
		if got := listedIDs(a); !slices.Equal(got, slices.Sorted(slices.Values(ids))) {
			t.Errorf("listed ids: got %v, want %v", got, ids)
		}
		if strings.Contains(string(a.raw), `"token"`) {
			t.Errorf("list: got a token member, want none")
		}

		a = s.call(t, "DELETE", "/v1/users/bob/sessions?except="+ids[0], nil)
		want(t, "revoke the user's sessions", a, http.StatusOK)
		if got := dig(a.body, "revoked"); got != 2.0 {
			t.Errorf("revoked: got %v, want 2", got)
		}
		want(t, "the kept session", s.call(t, "POST", "/v1/sessions/validate", with("token", toks[0])), http.StatusOK)
		want(t, "a revoked session", s.call(t, "POST", "/v1/sessions/validate", with("token", toks[1])), http.StatusUnauthorized)

		for range 2 { // revocation by id is idempotent
			want(t, "revoke by id", s.call(t, "DELETE", "/v1/sessions/"+ids[0], nil), http.StatusNoContent)
		}
		if got := listedIDs(s.call(t, "GET", "/v1/users/bob/sessions", nil)); len(got) != 0 {
			t.Errorf("list after revocation: got %v, want none", got)
		}

		carol1, _ := s.login(t, "carol")
		s.login(t, "dave")
		want(t, "revoke all without confirm", s.call(t, "DELETE", "/v1/sessions", nil), http.StatusBadRequest)
		want(t, "carol is still signed in", s.call(t, "POST", "/v1/sessions/validate", with("token", carol1)), http.StatusOK)
		a = s.call(t, "DELETE", "/v1/sessions?confirm=all", nil)
		want(t, "revoke all", a, http.StatusOK)
		if got := dig(a.body, "revoked"); got != 2.0 {
			t.Errorf("revoked: got %v, want 2", got)
		}
		want(t, "carol after revoke all", s.call(t, "POST", "/v1/sessions/validate", with("token", carol1)), http.StatusUnauthorized)
		s.checkLogs(t)
	})
}

// listedIDs returns the sorted ids of a list answer.
func listedIDs(a answer) []string {
	var ids []string
	list, _ := a.body["sessions"].([]any)
	for _, e := range list {
		ids = append(ids, e.(map[string]any)["id"].(string))
	}
	slices.Sort(ids)
	return ids
}

// TestFlow_Audit_R52 queries the audit log of a session's whole life:
// every lifecycle event is there, newest first, with every member.
func TestFlow_Audit_R52(t *testing.T) {
	eachStore(t, func(t *testing.T, s *appService) {
		tok, id := s.login(t, "erin")
		a := s.call(t, "POST", "/v1/sessions/rotate", map[string]any{"token": tok})
		a = s.call(t, "POST", "/v1/sessions/reauth", with("token", str(a.body, "token"), "auth_methods", []string{"pwd"}))
		want(t, "revoke", s.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": str(a.body, "token")}), http.StatusNoContent)

		a = s.call(t, "GET", "/v1/audit?user_id=erin", nil)
		want(t, "audit", a, http.StatusOK)
		var types []string
		events, _ := a.body["events"].([]any)
		for _, e := range events {
			ev := e.(map[string]any)
			for _, k := range []string{"id", "time", "type", "user_id", "session_id", "ip", "user_agent", "reason"} {
				if _, ok := ev[k]; !ok {
					t.Errorf("event %v lacks %q", ev["type"], k)
				}
			}
			if ev["session_id"] != id {
				t.Errorf("event %v: session_id %v, want %s", ev["type"], ev["session_id"], id)
			}
			types = append(types, ev["type"].(string))
		}
		wantTypes := []string{"session.revoked", "session.reauthenticated", "session.rotated", "session.created"}
		if !slices.Equal(types, wantTypes) {
			t.Errorf("event types: got %v, want %v", types, wantTypes)
		}
		a = s.call(t, "GET", "/v1/audit?user_id=erin&type=session.created&limit=1", nil)
		if events, _ := a.body["events"].([]any); a.code != http.StatusOK || len(events) != 1 {
			t.Errorf("audit by type: got %d with %d events, want 200 with 1", a.code, len(events))
		}
		s.checkLogs(t)
	})
}
