package sessiond_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/sessiond/sessiond"
)

// A rotated-out token inside its grace window serves the requests in
// flight but never obtains a token or acts on the account (R23, R24).
func TestStaleToken_GraceTokenMintsNothing_R23(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, sessionConfig())
	s, old := e.login(t, "alice")
	e.login(t, "alice") // another device
	current, err := s.Renew(ctx)
	if err != nil {
		t.Fatalf("Renew: %v", err)
	}
	load := func() *sessiond.Session {
		t.Helper()
		g, tok, err := e.m.Load(ctx, old, sessiond.Client{IP: "192.0.2.1", UserAgent: "test-agent"})
		if err != nil || tok != "" {
			t.Fatalf("Load of the grace token = %v, token %q; want its session and no token", err, tok)
		}
		return g
	}
	if tok, err := load().Renew(ctx); !errors.Is(err, sessiond.ErrStaleToken) || tok != "" {
		t.Errorf("Renew with the grace token = %q, %v; want ErrStaleToken", tok, err)
	}
	if tok, err := load().Reauth(ctx, []string{"pwd"}); !errors.Is(err, sessiond.ErrStaleToken) || tok != "" {
		t.Errorf("Reauth with the grace token = %q, %v; want ErrStaleToken", tok, err)
	}
	if n, err := load().RevokeOthers(ctx, sessiond.ReasonUser); !errors.Is(err, sessiond.ErrStaleToken) || n != 0 {
		t.Errorf("RevokeOthers with the grace token = %d, %v; want ErrStaleToken", n, err)
	}
	if !errors.Is(sessiond.ErrStaleToken, sessiond.ErrInvalidToken) {
		t.Errorf("ErrStaleToken does not wrap ErrInvalidToken")
	}

	// Data writes of requests in flight still land.
	g := load()
	g.Set("cart", "3 items")
	if err := g.Commit(ctx); err != nil {
		t.Errorf("Commit with the grace token: %v", err)
	}
	if list, _ := e.m.List(ctx, "alice"); len(list) != 2 {
		t.Errorf("alice has %d sessions, want 2: nothing ended", len(list))
	}
	fresh, _, err := e.m.Load(ctx, current, sessiond.Client{})
	if err != nil {
		t.Fatalf("the current token no longer loads: %v", err)
	}
	if v, _ := sessiond.Get[string](fresh, "cart"); v != "3 items" {
		t.Errorf("data written with the grace token = %q, want it kept", v)
	}

	// The holder of the current token can do all of it.
	if _, err := fresh.Renew(ctx); err != nil {
		t.Errorf("Renew with the current token: %v", err)
	}
	if n, err := fresh.RevokeOthers(ctx, sessiond.ReasonUser); err != nil || n != 1 {
		t.Errorf("RevokeOthers with the current token = %d, %v; want 1", n, err)
	}
}

// A rotation by a concurrent request makes the token this request holds
// stale, even though it was current when the request began (R23).
func TestStaleToken_RotatedWhileInFlight_R23(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	a, _, err := e.m.Load(ctx, tok, sessiond.Client{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := e.m.Load(ctx, tok, sessiond.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Renew(ctx); err != nil {
		t.Fatalf("first Renew: %v", err)
	}
	if got, err := a.Renew(ctx); !errors.Is(err, sessiond.ErrStaleToken) {
		t.Errorf("second Renew of the same token = %q, %v; want ErrStaleToken", got, err)
	}
	// One request may rotate twice: it holds what it was issued.
	next, err := b.Reauth(ctx, []string{"pwd"})
	if err != nil {
		t.Fatalf("Reauth after Renew in one request: %v", err)
	}
	if !e.valid(t, next) {
		t.Errorf("the token of the second rotation does not load")
	}
}

// A session from a list holds no token: it cannot be renewed into one.
func TestStaleToken_ListedSessionMintsNothing(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, sessionConfig())
	s, _ := e.login(t, "alice")
	got, found, err := e.m.Get(ctx, s.ID())
	if err != nil || !found {
		t.Fatalf("Get: %v, %v", found, err)
	}
	if tok, err := got.Renew(ctx); !errors.Is(err, sessiond.ErrStaleToken) {
		t.Errorf("Renew of a listed session = %q, %v; want ErrStaleToken", tok, err)
	}
}

// Only re-authentication serves a session that must re-authenticate:
// Renew and RevokeOthers refuse it.
func TestStaleToken_ReauthRequiredOnlyReauthenticates(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	s, _, err := e.m.Load(ctx, tok, sessiond.Client{IP: "192.0.2.1", UserAgent: "other-agent"})
	if err != nil || s.State() != sessiond.StateReauthRequired {
		t.Fatalf("Load with another User-Agent = %v, %v; want reauth_required", s, err)
	}
	if _, err := s.Renew(ctx); !errors.Is(err, sessiond.ErrReauthRequired) {
		t.Errorf("Renew = %v, want ErrReauthRequired", err)
	}
	if _, err := s.RevokeOthers(ctx, sessiond.ReasonUser); !errors.Is(err, sessiond.ErrReauthRequired) {
		t.Errorf("RevokeOthers = %v, want ErrReauthRequired", err)
	}
	if _, err := s.Reauth(ctx, []string{"pwd"}); err != nil {
		t.Errorf("Reauth = %v, want nil", err)
	}
}

// A guard for sensitive routes refuses a grace token; one that asks only
// for a session lets it through, as an in-flight request (R23, R40).
func TestStaleToken_SensitiveGuardRefuses_R23_R40(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.guarded()}
	b.do("POST", "/login?user=alice")
	old := b.tok
	b.do("POST", "/renew")
	if b.tok == old {
		t.Fatal("renew issued no token")
	}
	for path, want := range map[string]int{"/private": 200, "/sensitive": 401, "/strong": 401} {
		if res := do(b.h, "GET", path, old); res.StatusCode != want {
			t.Errorf("GET %s with the grace token = %d, want %d", path, res.StatusCode, want)
		}
	}
	if res := do(b.h, "GET", "/sensitive", b.tok); res.StatusCode != 200 {
		t.Errorf("GET /sensitive with the current token = %d, want 200", res.StatusCode)
	}
	// Logout with the grace token ends the session: that hands its holder
	// nothing.
	if res := do(b.h, "POST", "/logout", old); res.StatusCode != http.StatusOK {
		t.Errorf("logout with the grace token = %d, want 200", res.StatusCode)
	}
	if e.valid(t, b.tok) {
		t.Errorf("the session outlived a logout with its grace token")
	}
}
