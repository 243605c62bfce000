package sessiond_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

func TestPeriodicRotation_GraceNeverAnswersWithNewToken_R23(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.app()}
	b.do("POST", "/login?user=alice")
	old := b.tok

	e.clock.Advance(sessiond.DefaultRotateEvery)
	b.do("GET", "/me")
	if b.tok == old {
		t.Fatalf("token older than RotateEvery was not replaced")
	}
	if ev, ok := e.audit.last(sessiond.EventRotated); !ok || ev.Reason != sessiond.ReasonPeriodic {
		t.Errorf("rotation event = %+v, want reason periodic", ev)
	}

	// A request still in flight with the old token, inside the grace
	// window, works but never learns the new token.
	res := do(e.app(), "GET", "/me", old)
	if res.StatusCode != 200 {
		t.Fatalf("old token inside grace = %d, want 200", res.StatusCode)
	}
	if c := sessionCookie(res); c != nil {
		t.Errorf("old token was answered with cookie %q", c.Value)
	}

	// After the grace window, the old token is theft: the session ends.
	e.clock.Advance(sessiond.DefaultRotationGrace)
	if res := do(e.app(), "GET", "/me", old); res.StatusCode != 401 {
		t.Errorf("old token after grace = %d, want 401", res.StatusCode)
	}
	if res := b.do("GET", "/me"); res.StatusCode != 401 {
		t.Errorf("current token after reuse = %d, want 401 (session revoked)", res.StatusCode)
	}
	ev, ok := e.audit.last(sessiond.EventTokenReused)
	if !ok || ev.UserID != "alice" || ev.SessionID == "" {
		t.Errorf("token reuse event = %+v, want one naming alice's session", ev)
	}
}

func TestRotation_ConcurrentPeriodicRotationIssuesOneToken(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	e.clock.Advance(sessiond.DefaultRotateEvery)
	issued := make(chan string, 20)
	done := make(chan struct{})
	for range 20 {
		go func() {
			defer func() { done <- struct{}{} }()
			_, newTok, err := e.m.Load(t.Context(), tok, sessiond.Client{})
			if err != nil {
				t.Errorf("Load: %v", err)
			}
			if newTok != "" {
				issued <- newTok
			}
		}()
	}
	for range 20 {
		<-done
	}
	close(issued)
	var toks []string
	for tok := range issued {
		toks = append(toks, tok)
	}
	if len(toks) != 1 {
		t.Fatalf("%d tokens issued by 20 concurrent loads, want 1", len(toks))
	}
	if !e.valid(t, toks[0]) {
		t.Errorf("issued token does not work")
	}
}

func TestRotation_RetiredTokensRemembered(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, first := e.login(t, "alice")
	tok := first
	for range 5 {
		var err error
		if tok, err = s.Renew(t.Context()); err != nil {
			t.Fatalf("Renew: %v", err)
		}
	}
	e.clock.Advance(time.Minute)
	if e.valid(t, first) {
		t.Fatalf("a token five rotations old was accepted")
	}
	if e.valid(t, tok) {
		t.Errorf("session survived the replay of a token five rotations old")
	}
}

// A protocol upgrade is not rotated: the 101 may not carry the new cookie,
// and a browser left holding the retired token would, after the grace
// window, look like a thief. The next plain request rotates it.
func TestPeriodicRotation_NotOnUpgrade_R23(t *testing.T) {
	e := newEnv(t, sessionConfig())
	h := e.app()
	_, tok := e.login(t, "alice")
	e.clock.Advance(sessiond.DefaultRotateEvery)
	r := httptestRequest("GET", "/me")
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: tok})
	res := serve(h, r)
	if res.StatusCode != http.StatusOK || sessionCookie(res) != nil {
		t.Fatalf("upgrade request due for rotation = %d, cookie %v; want 200 and no new token", res.StatusCode, sessionCookie(res))
	}
	e.clock.Advance(sessiond.DefaultRotationGrace + time.Second)
	res = do(h, "GET", "/me", tok)
	if res.StatusCode != http.StatusOK || sessionCookie(res) == nil {
		t.Errorf("the next plain request = %d, cookie %v; want 200 and the rotated token", res.StatusCode, sessionCookie(res))
	}
}
