package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/dbsctest"
)

// bind binds the session of tok to a new device key through m, as a
// browser's registration would, and returns the bound cookie's value.
func bind(t testing.TB, m *sessiond.Manager, tok string) string {
	t.Helper()
	ctx := context.Background()
	s, err := m.LoadWithoutRotation(ctx, tok, sessiond.Client{})
	if err != nil {
		t.Fatal(err)
	}
	offer, ok := dbsctest.ParseOffer(m.DeviceOffer(s))
	if !ok {
		t.Fatalf("no offer for %s", s.ID())
	}
	dev, err := dbsctest.NewDevice()
	if err != nil {
		t.Fatal(err)
	}
	ans, err := m.RegisterDevice(ctx, tok, sessiond.Client{}, sessiond.DeviceRequest{
		Response: dev.Registration(offer.Challenge, offer.Authorization), Origin: "https://app.example",
	})
	if err != nil {
		t.Fatalf("RegisterDevice: %v", err)
	}
	return ans.Cookie.Value
}

// TestAPI_BoundSessionNeedsBoundCookie_R21 checks that the token of a
// session bound to a device, copied off it, opens nothing through the
// token calls without the bound cookie; with it, they work, and logout
// needs only the token.
func TestAPI_BoundSessionNeedsBoundCookie_R21(t *testing.T) {
	a := newTestAPI(t)
	tok, _ := a.login(t, "alice")
	bound := bind(t, a.m, tok)
	for _, tc := range []struct {
		name, path string
		body       map[string]any
		want       int
	}{
		{"validate", "/v1/sessions/validate", map[string]any{"token": tok, "ip": "192.0.2.1", "user_agent": "agent"}, http.StatusOK},
		{"data", "/v1/sessions/data", map[string]any{"token": tok, "set": map[string]any{"k": 1}}, http.StatusOK},
		{"reauth", "/v1/sessions/reauth", map[string]any{"token": tok, "auth_methods": []string{"pwd"}}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, proof := range []map[string]any{
				{},
				{"bound_cookie": ""},
				{"bound_cookie": "not-a-bound-cookie"},
				{"bound_cookie": tok},
				{"skipped": `unreachable;session_identifier="x"`},
			} {
				body := map[string]any{}
				for k, v := range tc.body {
					body[k] = v
				}
				for k, v := range proof {
					body[k] = v
				}
				if code, out := a.call(t, "POST", tc.path, body); code != http.StatusUnauthorized || out["error"] != "invalid_session" {
					t.Errorf("with %v: got %d %v, want 401 invalid_session", proof, code, out)
				}
			}
			body := map[string]any{"bound_cookie": bound}
			for k, v := range tc.body {
				body[k] = v
			}
			if code, out := a.call(t, "POST", tc.path, body); code != tc.want {
				t.Errorf("with the bound cookie: got %d %v, want %d", code, out, tc.want)
			} else if tok2, ok := out["token"].(string); ok {
				tok = tok2 // reauth rotates
			}
		})
	}
	if code, _ := a.call(t, "POST", "/v1/sessions/rotate", map[string]any{"token": tok}); code != http.StatusUnauthorized {
		t.Errorf("rotate without the bound cookie: got %d, want 401", code)
	}
	code, out := a.call(t, "POST", "/v1/sessions/rotate", map[string]any{"token": tok, "bound_cookie": bound})
	if code != http.StatusOK {
		t.Fatalf("rotate with the bound cookie: got %d %v, want 200", code, out)
	}
	tok = out["token"].(string)
	if code, _ := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok}); code != http.StatusUnauthorized {
		t.Errorf("validate of the rotated token without the bound cookie: got %d, want 401: rotation keeps the binding", code)
	}
	if code, _ := a.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": tok}); code != http.StatusNoContent {
		t.Errorf("revoke without the bound cookie: got %d, want 204", code)
	}
	if code, _ := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok, "bound_cookie": bound}); code != http.StatusUnauthorized {
		t.Errorf("validate after revoke: got %d, want 401", code)
	}
}

// TestAPI_BoundSessionRefusalAudited_R52 checks that a refusal for a
// missing bound cookie is audited with its reason, Chromium's skipped
// reason included, and that it does not end the session.
func TestAPI_BoundSessionRefusalAudited_R52(t *testing.T) {
	a := newTestAPI(t)
	tok, id := a.login(t, "alice")
	bound := bind(t, a.m, tok)
	a.call(t, "POST", "/v1/sessions/validate", map[string]any{
		"token": tok, "skipped": `quota_exceeded;session_identifier="` + id + `"`,
	})
	code, out := a.call(t, "GET", "/v1/audit?type=session.device_unverified&session_id="+id, nil)
	events, _ := out["events"].([]any)
	if code != http.StatusOK || len(events) != 1 || events[0].(map[string]any)["reason"] != sessiond.ReasonSkippedQuotaExceeded {
		t.Errorf("audit: got %d %v, want one session.device_unverified event with reason %s", code, out, sessiond.ReasonSkippedQuotaExceeded)
	}
	if code, _ := a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok, "bound_cookie": bound}); code != http.StatusOK {
		t.Errorf("validate with the bound cookie after a refusal: got %d, want 200", code)
	}
}

// TestForwardAuth_BoundSessionNeedsBoundCookie_R21 checks that
// forward-auth lets a bound session through only with its bound cookie in
// the forwarded Cookie header.
func TestForwardAuth_BoundSessionNeedsBoundCookie_R21(t *testing.T) {
	for _, q := range []string{"", "rotate=0"} {
		t.Run("query="+q, func(t *testing.T) {
			e := newFAEnv(t, nil)
			tok := e.login(t, "alice", false)
			bound := bind(t, e.m, tok)
			if res := e.ask(t, q, tok); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("without the bound cookie: got %d, want 401", res.StatusCode)
			}
			if res := e.ask(t, q, tok, "Cookie", sessiond.DefaultBoundCookieName+"="+tok); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("with the session token as bound cookie: got %d, want 401", res.StatusCode)
			}
			if res := e.ask(t, q, tok, navigation("GET")...); res.StatusCode != http.StatusFound {
				t.Errorf("page load without the bound cookie: got %d, want 302 to the login", res.StatusCode)
			}
			if res := e.ask(t, q, tok, "Cookie", sessiond.DefaultBoundCookieName+"="+bound); res.StatusCode != http.StatusOK {
				t.Errorf("with the bound cookie: got %d, want 200", res.StatusCode)
			}
		})
	}
}
