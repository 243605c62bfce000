package sessiond_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

func TestLogin_KillsPreLoginToken_R22(t *testing.T) {
	e := newEnv(t, sessionConfig())
	// The attacker plants their own valid session token in the victim's
	// browser; the victim then logs in.
	_, planted := e.login(t, "mallory")
	victim := &browser{h: e.app(), tok: planted}
	victim.do("POST", "/login?user=alice")
	if victim.tok == planted || victim.tok == "" {
		t.Fatalf("login kept the planted token")
	}
	if e.valid(t, planted) {
		t.Errorf("planted token still valid after login")
	}
	if got := body(victim.do("GET", "/me")); got != "alice" {
		t.Errorf("GET /me = %q, want alice", got)
	}
	if ev, ok := e.audit.last(sessiond.EventRevoked); !ok || ev.Reason != sessiond.ReasonLogin {
		t.Errorf("revocation event = %+v, want reason %q", ev, sessiond.ReasonLogin)
	}
}

func TestReauth_NewTokenOldDiesAfterGrace_R23(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, old := e.login(t, "alice")
	e.clock.Advance(5 * time.Minute)
	tok, err := s.Reauth(context.Background(), []string{"pwd", "totp"})
	if err != nil {
		t.Fatalf("Reauth: %v", err)
	}
	if tok == old {
		t.Fatalf("Reauth kept the token")
	}
	if !s.AuthTime().Equal(e.clock.Now()) {
		t.Errorf("auth_time = %v, want %v", s.AuthTime(), e.clock.Now())
	}
	e.clock.Advance(sessiond.DefaultRotationGrace - time.Second)
	if !e.valid(t, old) {
		t.Errorf("old token refused inside the grace window")
	}
	e.clock.Advance(2 * time.Second)
	if e.valid(t, old) {
		t.Errorf("old token accepted after the grace window")
	}
	if e.valid(t, tok) {
		t.Errorf("the session survived the replay of a rotated-out token")
	}
	if _, ok := e.audit.last(sessiond.EventTokenReused); !ok {
		t.Errorf("no %s event", sessiond.EventTokenReused)
	}
}

func TestRenew_PrivilegeChangeRotates_R24_R37(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.app()}
	b.do("POST", "/login?user=alice")
	s, _, _ := e.m.Load(t.Context(), b.tok, sessiond.Client{})
	abs, auth := s.AbsoluteExpiresAt(), s.AuthTime()
	old := b.tok
	e.clock.Advance(time.Minute)
	b.do("POST", "/renew")
	if b.tok == old {
		t.Fatalf("renew did not rotate the token")
	}
	s, _, err := e.m.Load(t.Context(), b.tok, sessiond.Client{})
	if err != nil {
		t.Fatalf("new token: %v", err)
	}
	if !s.AbsoluteExpiresAt().Equal(abs) {
		t.Errorf("absolute deadline %v, want it kept at %v", s.AbsoluteExpiresAt(), abs)
	}
	if !s.AuthTime().Equal(auth) {
		t.Errorf("auth_time %v, want it kept at %v", s.AuthTime(), auth)
	}
}

func TestLogout_EndsSessionOnServer_R28(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.app()}
	b.do("POST", "/login?user=alice")
	copied := b.tok
	res := b.do("POST", "/logout")
	if c := sessionCookie(res); c == nil || c.MaxAge >= 0 {
		t.Errorf("logout cookie = %+v, want it expired", c)
	}
	if e.valid(t, copied) {
		t.Errorf("a copy of the token works after logout")
	}
	if res := do(e.app(), "GET", "/me", copied); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /me with the copy = %d, want 401", res.StatusCode)
	}
	if ev, ok := e.audit.last(sessiond.EventRevoked); !ok || ev.Reason != sessiond.ReasonLogout {
		t.Errorf("revocation event = %+v, want reason logout", ev)
	}
}

func TestIdleTimeout_R35(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	// Activity before the deadline keeps the session alive for hours.
	for range 10 {
		e.clock.Advance(sessiond.DefaultIdleTimeout - time.Minute)
		// Periodic rotation is not under test here: keep using the session
		// through its current token.
		tok = currentToken(t, e, tok)
	}
	e.clock.Advance(sessiond.DefaultIdleTimeout)
	if e.valid(t, tok) {
		t.Fatalf("session survived %v of inactivity", sessiond.DefaultIdleTimeout)
	}
	if ev, ok := e.audit.last(sessiond.EventExpired); !ok || ev.Reason != sessiond.ReasonIdle {
		t.Errorf("expiry event = %+v, want reason idle", ev)
	}
}

func TestAbsoluteTimeout_R36_R37(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, tok := e.login(t, "alice")
	abs := s.AbsoluteExpiresAt()
	if want := e.clock.Now().Add(sessiond.DefaultAbsoluteTimeout); !abs.Equal(want) {
		t.Fatalf("absolute deadline %v, want %v", abs, want)
	}
	for e.clock.Now().Add(10 * time.Minute).Before(abs) {
		e.clock.Advance(10 * time.Minute)
		s, newTok, err := e.m.Load(t.Context(), tok, sessiond.Client{})
		if err != nil {
			t.Fatalf("active session ended early at %v: %v", e.clock.Now(), err)
		}
		if !s.AbsoluteExpiresAt().Equal(abs) {
			t.Fatalf("activity moved the absolute deadline to %v", s.AbsoluteExpiresAt())
		}
		if newTok != "" {
			tok = newTok
		}
	}
	e.clock.Advance(10 * time.Minute)
	if e.valid(t, tok) {
		t.Fatalf("session outlived its absolute deadline")
	}
	if ev, ok := e.audit.last(sessiond.EventExpired); !ok || ev.Reason != sessiond.ReasonAbsolute {
		t.Errorf("expiry event = %+v, want reason absolute", ev)
	}
}

// currentToken loads tok and returns the token to use next: the rotated one
// if loading rotated it.
func currentToken(t *testing.T, e *env, tok string) string {
	t.Helper()
	_, newTok, err := e.m.Load(t.Context(), tok, sessiond.Client{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if newTok != "" {
		return newTok
	}
	return tok
}

func TestLogin_RefusesBadUserIDs(t *testing.T) {
	e := newEnv(t, sessionConfig())
	for _, id := range []string{
		"", strings.Repeat("u", 257), "a\x00b", "line\nbreak", "\xff\xfe", "tab\there",
		// Characters that make one id pass for another on an operator's
		// screen: a right-to-left override, zero-width ones, a byte-order
		// mark, a line separator.
		"admin\u202Egpj.exe", "ad\u200Bmin", "ad\u200Dmin", "\uFEFFadmin", "ad\u2060min", "a\u2028b", "a\u00ADb",
	} {
		if _, _, err := e.m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: id}); !errors.Is(err, sessiond.ErrBadUserID) {
			t.Errorf("Login(%q) = %v, want ErrBadUserID", id, err)
		}
	}
	for _, id := range []string{"Zoë 42", "名前", "user@example.com", "مستخدم"} {
		if _, _, err := e.m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: id}); err != nil {
			t.Errorf("Login(%q) of a printable UTF-8 id: %v", id, err)
		}
	}
}

// Login hands the handler no token: inside the middleware the cookie
// carries it; outside, where nothing would, Login refuses and LoginToken
// is the form that returns it.
func TestLogin_TokenOnlyWhereItIsDelivered(t *testing.T) {
	e := newEnv(t, sessionConfig())
	if s, err := e.m.Login(t.Context(), sessiond.LoginInfo{UserID: "alice"}); !errors.Is(err, sessiond.ErrNoMiddleware) || s != nil {
		t.Errorf("Login outside the middleware = %v, %v; want ErrNoMiddleware", s, err)
	}
	if list, _ := e.m.List(t.Context(), "alice"); len(list) != 0 {
		t.Errorf("a refused Login left %d sessions", len(list))
	}
	b := &browser{h: e.app()}
	if res := b.do("POST", "/login?user=alice"); res.StatusCode != http.StatusOK || b.tok == "" {
		t.Fatalf("Login inside the middleware = %d, cookie %q", res.StatusCode, b.tok)
	}
	if !e.valid(t, b.tok) {
		t.Errorf("the cookie's token does not load")
	}
}
