package api

import (
	"context"
	"net/http"
	"net/url"
	"strings"
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

// apiBrowser is a browser with DBSC whose application passes its device
// requests on to the API.
type apiBrowser struct {
	a                *testAPI
	dev              *dbsctest.Device
	token, bound, id string
	challenge        string
}

// newAPIBrowser logs user in through the API, asking for the offer, and
// registers a new key with it.
func newAPIBrowser(t *testing.T, a *testAPI, user string) *apiBrowser {
	t.Helper()
	code, out := a.call(t, "POST", "/v1/sessions", map[string]any{"user_id": user, "device_binding": true})
	offer, ok := dbsctest.ParseOffer(stringAt(out, "device_registration"))
	if code != http.StatusCreated || !ok || offer.Path != sessiond.DefaultDeviceBindingPath+"/registration" {
		t.Fatalf("create with device_binding = %d %v, want an offer", code, out)
	}
	dev, err := dbsctest.NewDevice()
	if err != nil {
		t.Fatal(err)
	}
	b := &apiBrowser{a: a, dev: dev, token: out["token"].(string), id: out["session"].(map[string]any)["id"].(string)}
	code, out = b.device(t, "registration", dev.Registration(offer.Challenge, offer.Authorization))
	if code != http.StatusOK || out["result"] != "bound" {
		t.Fatalf("registration = %d %v, want result bound", code, out)
	}
	return b
}

// stringAt returns the string member name of out, or "".
func stringAt(out map[string]any, name string) string {
	s, _ := out[name].(string)
	return s
}

// device passes on a registration or refresh with proof (none if empty)
// and keeps the bound cookie and challenge it is answered.
func (b *apiBrowser) device(t *testing.T, step, proof string) (int, map[string]any) {
	t.Helper()
	body := map[string]any{"token": b.token, "origin": "https://App.Example:443", "secure_session_response": proof}
	if step == "refresh" {
		body["sec_secure_session_id"] = `"` + b.id + `"`
	}
	code, out := b.a.call(t, "POST", "/v1/sessions/device/"+step, body)
	if ch, id, ok := dbsctest.ParseChallenge(stringAt(out, "challenge")); ok && id == b.id {
		b.challenge = ch
	}
	if c, ok := out["cookie"].(map[string]any); ok {
		b.bound = c["value"].(string)
		if want := sessiond.DefaultBoundCookieName + "=" + b.bound + "; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax"; c["set_cookie"] != want {
			t.Errorf("set_cookie: got %v, want %s", c["set_cookie"], want)
		}
		cfg, _ := out["session_config"].(map[string]any)
		if scope, _ := cfg["scope"].(map[string]any); cfg["session_identifier"] != b.id || scope["origin"] != "https://app.example" {
			t.Errorf("session_config: got %v, want session %s on https://app.example", cfg, b.id)
		}
	}
	return code, out
}

// validate validates the browser's token with its bound cookie.
func (b *apiBrowser) validate(t *testing.T) (int, map[string]any) {
	t.Helper()
	return b.a.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": b.token, "bound_cookie": b.bound})
}

// TestAPI_DeviceRegistrationAndRefresh_R21_R28 binds a session through
// the API, shows it bound, refreshes its bound cookie, and checks that
// revocation ends the binding's refreshes.
func TestAPI_DeviceRegistrationAndRefresh_R21_R28(t *testing.T) {
	a := newTestAPI(t)
	b := newAPIBrowser(t, a, "alice")
	code, out := b.validate(t)
	dev, _ := out["session"].(map[string]any)["device"].(map[string]any)
	if code != http.StatusOK || dev["bound"] != true || dev["alg"] != "ES256" || dev["bound_at"] == nil || dev["thumbprint"] == "" {
		t.Fatalf("validate = %d %v, want a bound session", code, out)
	}
	code, out = a.call(t, "GET", "/v1/users/alice/sessions", nil)
	if ss, _ := out["sessions"].([]any); code != http.StatusOK || len(ss) != 1 || ss[0].(map[string]any)["device"].(map[string]any)["bound"] != true {
		t.Errorf("user's sessions = %d %v, want one bound session", code, out)
	}

	old := b.bound
	if code, out := b.device(t, "refresh", ""); code != http.StatusOK || out["result"] != "challenge" || out["cookie"] != nil {
		t.Fatalf("refresh without a proof = %d %v, want result challenge", code, out)
	}
	if code, out := b.device(t, "refresh", b.dev.Refresh(b.challenge)); code != http.StatusOK || out["result"] != "bound" || b.bound == old {
		t.Fatalf("refresh = %d %v, want a new bound cookie", code, out)
	}
	if code, _ := b.validate(t); code != http.StatusOK {
		t.Errorf("validate with the new bound cookie: got %d, want 200", code)
	}
	other, err := dbsctest.NewDevice()
	if err != nil {
		t.Fatal(err)
	}
	if code, out := b.device(t, "refresh", other.Refresh(b.challenge)); code != http.StatusOK || out["result"] != "challenge" {
		t.Errorf("refresh signed by another key = %d %v, want result challenge", code, out)
	}
	if code, out := b.device(t, "registration", other.Registration(b.challenge, "x")); code != http.StatusForbidden || out["error"] != "device_refused" {
		t.Errorf("second registration = %d %v, want 403 device_refused", code, out)
	}

	if code, _ := a.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": b.token}); code != http.StatusNoContent {
		t.Fatalf("revoke: got %d, want 204", code)
	}
	if code, out := b.device(t, "refresh", b.dev.Refresh(b.challenge)); code != http.StatusUnauthorized || out["error"] != "invalid_session" {
		t.Errorf("refresh after revocation = %d %v, want 401 invalid_session", code, out)
	}
	if code, _ := b.validate(t); code != http.StatusUnauthorized {
		t.Errorf("validate after revocation: got %d, want 401", code)
	}
}

// TestAPI_DeviceCallsBadInput_R4 checks the device calls' refusals of
// input: 4xx with a generic detail, never the token.
func TestAPI_DeviceCallsBadInput_R4(t *testing.T) {
	a := newTestAPI(t)
	tok, id := a.login(t, "alice")
	for _, tc := range []struct {
		name string
		body map[string]any
		want int
		err  string
	}{
		{"no token", map[string]any{"origin": "https://app.example"}, 400, "bad_request"},
		{"no origin", map[string]any{"token": tok}, 400, "bad_request"},
		{"http origin", map[string]any{"token": tok, "origin": "http://app.example"}, 400, "bad_request"},
		{"origin with a path", map[string]any{"token": tok, "origin": "https://app.example/x"}, 400, "bad_request"},
		{"origin with a user", map[string]any{"token": tok, "origin": "https://u@app.example"}, 400, "bad_request"},
		{"bad ip", map[string]any{"token": tok, "origin": "https://app.example", "ip": "x"}, 400, "bad_request"},
		{"unknown token", map[string]any{"token": "x", "origin": "https://app.example"}, 401, "invalid_session"},
		{"no proof", map[string]any{"token": tok, "origin": "https://app.example"}, 403, "device_refused"},
		{"malformed proof", map[string]any{"token": tok, "origin": "https://app.example", "secure_session_response": tok + ".x.y"}, 403, "device_refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := a.call(t, "POST", "/v1/sessions/device/registration", tc.body)
			if code != tc.want || out["error"] != tc.err {
				t.Errorf("got %d %v, want %d %s", code, out, tc.want, tc.err)
			}
			if detail, _ := out["detail"].(string); strings.Contains(detail, tok) {
				t.Errorf("detail %q carries the token", detail)
			}
		})
	}
	code, out := a.call(t, "POST", "/v1/sessions/device/refresh", map[string]any{
		"token": tok, "origin": "https://app.example", "sec_secure_session_id": `"` + id + `"`,
	})
	if code != http.StatusForbidden || out["error"] != "device_refused" {
		t.Errorf("refresh of an unbound session = %d %v, want 403 device_refused", code, out)
	}
}

// FuzzParseOrigin checks that parseOrigin accepts only https origins,
// which it returns as a browser writes them.
func FuzzParseOrigin(f *testing.F) {
	for _, s := range []string{"https://app.example", "https://APP.example:443", "https://[::1]:8443", "http://a", "https://a/b", "https://a?", "https://u@a", "https://a:x", "https://:1", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, ok := parseOrigin(s)
		if !ok {
			return
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.Path != "" || strings.HasSuffix(o, ":443") || strings.ToLower(o) != o {
			t.Errorf("parseOrigin(%q) = %q, not an https origin as a browser writes it", s, o)
		}
		if again, ok := parseOrigin(o); !ok || again != o {
			t.Errorf("parseOrigin(%q) = %q, %t; want it unchanged", o, again, ok)
		}
	})
}
