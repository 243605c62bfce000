package sessiond_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

func TestCookie_Attributes_R14_R15_R16_R17_R18(t *testing.T) {
	e := newEnv(t, sessionConfig())
	res := do(e.app(), "POST", "/login?user=alice", "")
	raw := res.Header.Get("Set-Cookie")
	c := sessionCookie(res)
	if c == nil {
		t.Fatalf("no session cookie in %q", raw)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"R14 __Host- prefix", strings.HasPrefix(c.Name, "__Host-")},
		{"R15 Secure", c.Secure},
		{"R16 HttpOnly", c.HttpOnly},
		{"R17 SameSite=Lax explicit", strings.Contains(raw, "SameSite=Lax")},
		{"R18 Path=/", c.Path == "/"},
		{"R18 no Domain", c.Domain == "" && !strings.Contains(strings.ToLower(raw), "domain=")},
		{"R19 no Max-Age", c.MaxAge == 0 && !strings.Contains(raw, "Max-Age")},
		{"R19 no Expires", c.Expires.IsZero()},
	}
	for _, ck := range checks {
		if !ck.ok {
			t.Errorf("%s: not met by %q", ck.name, raw)
		}
	}
}

func TestCookie_SameSiteStrict_R17(t *testing.T) {
	e := newEnv(t, sessiond.Config{SameSite: http.SameSiteStrictMode})
	res := do(e.app(), "POST", "/login?user=alice", "")
	if raw := res.Header.Get("Set-Cookie"); !strings.Contains(raw, "SameSite=Strict") {
		t.Errorf("Set-Cookie = %q, want SameSite=Strict", raw)
	}
}

func TestCookie_RememberMeNeverOutlivesAbsolute_R19(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.app()}
	b.do("POST", "/login?user=alice&remember=1")
	if b.last == nil || b.last.MaxAge <= 0 {
		t.Fatalf("remember-me cookie = %+v, want a Max-Age", b.last)
	}
	if limit := int(sessiond.DefaultAbsoluteTimeout / time.Second); b.last.MaxAge > limit {
		t.Errorf("Max-Age = %d, want at most %d", b.last.MaxAge, limit)
	}
	deadline := e.clock.Now().Add(sessiond.DefaultAbsoluteTimeout)
	// Hours of activity and rotations later, every cookie still ends by the
	// absolute deadline.
	for range 30 {
		e.clock.Advance(20 * time.Minute)
		b.last = nil
		if res := b.do("GET", "/me"); res.StatusCode != http.StatusOK {
			t.Fatalf("GET /me = %d, want 200", res.StatusCode)
		}
		if b.last == nil {
			t.Fatalf("a token older than RotateEvery was not rotated")
		}
		left := int(deadline.Sub(e.clock.Now()) / time.Second)
		if b.last.MaxAge <= 0 || b.last.MaxAge > left {
			t.Fatalf("after rotation Max-Age = %d, want 1..%d", b.last.MaxAge, left)
		}
	}
}

func TestCookie_Size_R20(t *testing.T) {
	e := newEnv(t, sessionConfig())
	c := sessionCookie(do(e.app(), "POST", "/login?user=alice", ""))
	if n := len(c.Name) + len(c.Value); n > 4096 {
		t.Errorf("cookie name+value = %d bytes, want ≤ 4096", n)
	}
}

func TestCookie_InvalidTokenExpiresCookie_R49(t *testing.T) {
	e := newEnv(t, sessionConfig())
	res := do(e.app(), "GET", "/me", strings.Repeat("A", 43))
	c := sessionCookie(res)
	if c == nil || c.MaxAge >= 0 {
		t.Fatalf("cookie = %+v, want one expiring the stale cookie", c)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store on a response that sets a cookie", got)
	}
}

func TestConfig_Refused(t *testing.T) {
	cases := map[string]sessiond.Config{
		"cookie without __Host-": {CookieName: "session"},
		"bare prefix":            {CookieName: "__Host-"},
		"bad cookie name":        {CookieName: "__Host-a b"},
		"SameSite None":          {SameSite: http.SameSiteNoneMode},
		"negative idle":          {IdleTimeout: -time.Second},
		"idle past absolute":     {IdleTimeout: 2 * time.Hour, AbsoluteTimeout: time.Hour},
		"long grace":             {RotationGrace: time.Hour},
		"touch past idle/2":      {IdleTimeout: time.Minute, TouchInterval: time.Minute},
		"short key":              {Keys: []sessiond.Key{{ID: 1, Secret: []byte("short")}}},
		"duplicate key id":       {Keys: []sessiond.Key{{ID: 1, Secret: make([]byte, 32)}, {ID: 1, Secret: make([]byte, 32)}}},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := sessiond.New(newEnv(t, sessionConfig()).store, cfg); err == nil {
				t.Errorf("New accepted %+v", cfg)
			}
		})
	}
}
