package sessiond_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// TestOutsideMiddleware_CookieLoadAndSetCookie_R23 checks the calls that
// judge a browser's request outside the middleware: CookieToken reads the
// cookie as the middleware does, LoadWithoutRotation keeps a token that Load
// would rotate (and still touches), and SessionCookie carries the rotated
// token with the middleware's attributes.
func TestOutsideMiddleware_CookieLoadAndSetCookie_R23(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Add("Cookie", "other=1; "+sessiond.DefaultCookieName+"="+tok)
	r.Header.Add("Cookie", sessiond.DefaultCookieName+"=second")
	if got, ok := e.m.CookieToken(r); !ok || got != tok {
		t.Fatalf("CookieToken: got %q, %v; want the first session cookie", got, ok)
	}
	if _, ok := e.m.CookieToken(httptest.NewRequest("GET", "/", nil)); ok {
		t.Errorf("CookieToken without a cookie: got one")
	}

	e.clock.Advance(sessiond.DefaultRotateEvery)
	ctx := context.Background()
	s, err := e.m.LoadWithoutRotation(ctx, tok, sessiond.Client{IP: "192.0.2.1", UserAgent: "test-agent"})
	if err != nil || s.UserID() != "alice" {
		t.Fatalf("LoadWithoutRotation: got %v, %v; want alice's session", s, err)
	}
	if !s.LastSeenAt().Equal(e.clock.Now()) {
		t.Errorf("LastSeenAt: got %v, want the touch at %v", s.LastSeenAt(), e.clock.Now())
	}
	e.clock.Advance(sessiond.DefaultRotationGrace + time.Second)
	s, newTok, err := e.m.Load(ctx, tok, sessiond.Client{IP: "192.0.2.1", UserAgent: "test-agent"})
	if err != nil || newTok == "" {
		t.Fatalf("Load after LoadWithoutRotation: got %q, %v; want the token still current, then rotated", newTok, err)
	}
	c := e.m.SessionCookie(newTok, s)
	if c.Name != sessiond.DefaultCookieName || c.Value != newTok || !c.Secure || !c.HttpOnly || c.Path != "/" ||
		c.Domain != "" || c.SameSite != http.SameSiteLaxMode || c.MaxAge != 0 {
		t.Errorf("SessionCookie: got %+v, want the middleware's attributes", c)
	}
	if _, err := e.m.LoadWithoutRotation(ctx, "not-a-token", sessiond.Client{}); !errors.Is(err, sessiond.ErrInvalidToken) {
		t.Errorf("LoadWithoutRotation of a bad token: got %v, want ErrInvalidToken", err)
	}
}

// TestGuard_CheckSession_R26_R39 checks the guard on a loaded session:
// fresh, too old, and half-finished.
func TestGuard_CheckSession_R26_R39(t *testing.T) {
	e := newEnv(t, sessionConfig())
	ctx := context.Background()
	s, _ := e.login(t, "alice")
	fresh := sessiond.Guard{MaxAge: 10 * time.Minute}
	if err := fresh.CheckSession(s); err != nil {
		t.Errorf("fresh login: got %v, want nil", err)
	}
	e.clock.Advance(11 * time.Minute)
	if err := fresh.CheckSession(s); !errors.Is(err, sessiond.ErrReauthRequired) {
		t.Errorf("old login: got %v, want ErrReauthRequired", err)
	}
	if err := (sessiond.Guard{}).CheckSession(s); err != nil {
		t.Errorf("old login, no freshness asked: got %v, want nil", err)
	}
	p, _, err := e.m.LoginToken(ctx, sessiond.LoginInfo{UserID: "bob", Methods: []string{"pwd"}, Pending: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := (sessiond.Guard{}).CheckSession(p); !errors.Is(err, sessiond.ErrPending) {
		t.Errorf("pending login: got %v, want ErrPending", err)
	}
}
