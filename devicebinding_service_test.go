package sessiond_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/sessiond/sessiond"
)

// TestDevice_ServiceCalls_R21 binds and refreshes a session through the
// calls a service makes for another application, and checks that the
// bound session then needs its bound cookie.
func TestDevice_ServiceCalls_R21(t *testing.T) {
	e := newEnv(t, bindingConfig())
	ctx := context.Background()
	s, tok := e.login(t, "alice")
	c := sessiond.Client{IP: "192.0.2.1", UserAgent: "test-agent"}
	offer := offerRE.FindStringSubmatch(e.m.DeviceOffer(s))
	if offer == nil {
		t.Fatalf("DeviceOffer = %q, want an offer", e.m.DeviceOffer(s))
	}
	dev := newDevice(t, "ES256")
	req := sessiond.DeviceRequest{Response: dev.registration(t, offer[2], offer[3]), Origin: "https://app.example"}
	ans, err := e.m.RegisterDevice(ctx, tok, c, req)
	if err != nil || ans.Cookie == nil || ans.Cookie.Name != boundName {
		t.Fatalf("RegisterDevice = %+v, %v; want a bound cookie", ans, err)
	}
	var cfg struct {
		SessionIdentifier string `json:"session_identifier"`
		Scope             struct {
			Origin string `json:"origin"`
		} `json:"scope"`
	}
	if err := json.Unmarshal(ans.Config, &cfg); err != nil || cfg.SessionIdentifier != s.ID() || cfg.Scope.Origin != req.Origin {
		t.Errorf("config %s: got %+v, want session %s on %s", ans.Config, cfg, s.ID(), req.Origin)
	}
	if _, err := e.m.RegisterDevice(ctx, tok, c, req); !errors.Is(err, sessiond.ErrDeviceRefused) {
		t.Errorf("second registration: got %v, want ErrDeviceRefused", err)
	}
	if _, _, err := e.m.LoadDevice(ctx, tok, c, sessiond.DeviceProof{}, true); !errors.Is(err, sessiond.ErrDeviceUnverified) {
		t.Errorf("LoadDevice without the bound cookie: got %v, want ErrDeviceUnverified", err)
	}
	bound, _, err := e.m.LoadDevice(ctx, tok, c, sessiond.DeviceProof{Cookie: ans.Cookie.Value}, true)
	if err != nil || !bound.Device().Bound() || e.m.DeviceOffer(bound) != "" {
		t.Fatalf("LoadDevice with the bound cookie: %v; want a bound session offered nothing", err)
	}

	refresh := sessiond.DeviceRequest{SessionID: `"` + s.ID() + `"`, Origin: req.Origin}
	ch, err := e.m.RefreshDevice(ctx, tok, c, refresh)
	m := challengeRE.FindStringSubmatch(ch.Challenge)
	if err != nil || ch.Cookie != nil || m == nil {
		t.Fatalf("refresh without a proof = %+v, %v; want a challenge", ch, err)
	}
	refresh.Response = dev.refresh(t, m[1])
	if ans, err := e.m.RefreshDevice(ctx, tok, c, refresh); err != nil || ans.Cookie == nil {
		t.Fatalf("refresh = %+v, %v; want a bound cookie", ans, err)
	}
	if ans, err := e.m.RefreshDevice(ctx, tok, c, refresh); err != nil || ans.Cookie != nil || ans.Challenge == "" {
		t.Errorf("replayed refresh = %+v, %v; want a fresh challenge only", ans, err)
	}
	if ev, _ := e.audit.last(sessiond.EventDeviceRefreshFailed); ev.Reason != sessiond.ReasonDeviceBadChallenge {
		t.Errorf("replayed refresh audited %q, want %q", ev.Reason, sessiond.ReasonDeviceBadChallenge)
	}

	if err := bound.Revoke(ctx, sessiond.ReasonLogout); err != nil {
		t.Fatal(err)
	}
	if _, err := e.m.RefreshDevice(ctx, tok, c, refresh); !errors.Is(err, sessiond.ErrInvalidToken) {
		t.Errorf("refresh after revocation: got %v, want ErrInvalidToken", err)
	}
	if ev, _ := e.audit.last(sessiond.EventDeviceRefreshFailed); ev.Reason != sessiond.ReasonDeviceNoSession {
		t.Errorf("refresh after revocation audited %q, want %q", ev.Reason, sessiond.ReasonDeviceNoSession)
	}

	off := newEnv(t, sessionConfig())
	if _, err := off.m.RegisterDevice(ctx, tok, c, req); !errors.Is(err, sessiond.ErrDeviceBindingOff) {
		t.Errorf("registration with binding off: got %v, want ErrDeviceBindingOff", err)
	}
}
