package sessiond_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

func TestLimits_OldestSessionEvicted_R56(t *testing.T) {
	e := newEnv(t, sessiond.Config{MaxSessionsPerUser: 2})
	_, first := e.login(t, "alice")
	e.clock.Advance(time.Second)
	_, second := e.login(t, "alice")
	e.clock.Advance(time.Second)
	_, third := e.login(t, "alice")
	if e.valid(t, first) || !e.valid(t, second) || !e.valid(t, third) {
		t.Errorf("after 3 logins with a limit of 2: %v %v %v, want false true true",
			e.valid(t, first), e.valid(t, second), e.valid(t, third))
	}
	if ev, ok := e.audit.last(sessiond.EventEvicted); !ok || ev.UserID != "alice" {
		t.Errorf("eviction event = %+v, want one for alice", ev)
	}
	if got, _ := e.m.List(t.Context(), "alice"); len(got) != 2 {
		t.Errorf("List shows %d sessions, want 2", len(got))
	}
}

func TestLimits_InvalidTokenFloodThrottled_R54(t *testing.T) {
	e := newEnv(t, sessionConfig())
	h := e.app()
	_, valid := e.login(t, "alice")
	bad := strings.Repeat("A", len(valid))
	for i := range sessiond.DefaultInvalidTokenLimit {
		if res := do(h, "GET", "/me", bad); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("invalid token %d = %d, want 401", i, res.StatusCode)
		}
	}
	res := do(h, "GET", "/me", bad)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("invalid token past the limit = %d, want 429", res.StatusCode)
	}
	if ev, ok := e.audit.last(sessiond.EventThrottled); !ok || ev.IP != "192.0.2.1" {
		t.Errorf("throttle event = %+v, want one for 192.0.2.1", ev)
	}
	if res := do(h, "GET", "/me", valid); res.StatusCode != http.StatusOK {
		t.Errorf("valid session from the throttled address = %d, want 200", res.StatusCode)
	}
	r := httptestRequest("GET", "/me")
	r.RemoteAddr = "198.51.100.1:1"
	r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: bad})
	if res := serve(h, r); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("another client = %d, want 401 (not throttled)", res.StatusCode)
	}
	e.clock.Advance(time.Minute)
	if res := do(h, "GET", "/me", bad); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a minute later = %d, want 401", res.StatusCode)
	}
}

// IPv6 clients count by their /64: a client that takes a fresh address of
// its prefix for every guess is throttled all the same (R54).
func TestLimits_InvalidTokenFloodCountsIPv6By64_R54(t *testing.T) {
	e := newEnv(t, sessionConfig())
	h := e.app()
	from := func(addr string) int {
		r := httptestRequest("GET", "/me")
		r.RemoteAddr = addr
		r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: "not-a-token"})
		return serve(h, r).StatusCode
	}
	for i := range sessiond.DefaultInvalidTokenLimit {
		if code := from(fmt.Sprintf("[2001:db8:1:2::%x]:1", i+1)); code != http.StatusUnauthorized {
			t.Fatalf("invalid token %d = %d, want 401", i, code)
		}
	}
	if code := from("[2001:db8:1:2:ffff::1]:1"); code != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64 past the limit = %d, want 429", code)
	}
	if code := from("[2001:db8:1:3::1]:1"); code != http.StatusUnauthorized {
		t.Errorf("the next /64 = %d, want 401 (not throttled)", code)
	}
}
