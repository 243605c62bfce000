package sessiond_test

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/sessiond/sessiond"
)

// from sends GET path with tok from the given address and User-Agent.
func from(h http.Handler, path, tok, addr, ua string) *http.Response {
	r := httptestRequest("GET", path)
	r.RemoteAddr = addr
	r.Header.Set("User-Agent", ua)
	r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: tok})
	return serve(h, r)
}

func TestAnomaly_DefaultPolicy(t *testing.T) {
	cases := []struct {
		name     string
		addr, ua string
		status   int    // of GET /me
		reason   string // of the session.anomaly event, "" for none
		survives bool
	}{
		{"same client", "192.0.2.1:1", "test-agent", 200, "", true},
		{"same /24", "192.0.2.200:1", "test-agent", 200, "", true},
		{"IP moved", "198.51.100.7:1", "test-agent", 200, "ip_change", true},
		{"User-Agent changed", "192.0.2.1:1", "other-agent", 401, "user_agent_change", true},
		{"both changed", "198.51.100.7:1", "other-agent", 401, "ip_and_user_agent_change", false},
		// A missing User-Agent is a change, not a way out of the check.
		{"User-Agent dropped", "192.0.2.1:1", "", 401, "user_agent_change", true},
		{"IP moved, User-Agent dropped", "198.51.100.7:1", "", 401, "ip_and_user_agent_change", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, sessionConfig())
			h := e.app()
			_, tok := e.login(t, "alice")
			if res := from(h, "/me", tok, c.addr, c.ua); res.StatusCode != c.status {
				t.Errorf("GET /me = %d, want %d", res.StatusCode, c.status)
			}
			ev, found := e.audit.last(sessiond.EventAnomaly)
			if found != (c.reason != "") || ev.Reason != c.reason {
				t.Errorf("anomaly event %+v (found %v), want reason %q", ev, found, c.reason)
			}
			if got := e.valid(t, tok); got != c.survives {
				t.Errorf("session alive = %v, want %v", got, c.survives)
			}
		})
	}
}

func TestAnomaly_NewIPComparedNext(t *testing.T) {
	e := newEnv(t, sessionConfig())
	h := e.app()
	_, tok := e.login(t, "alice")
	from(h, "/me", tok, "198.51.100.7:1", "test-agent")
	n := len(e.audit.events)
	from(h, "/me", tok, "198.51.100.8:1", "test-agent")
	if len(e.audit.events) != n {
		t.Errorf("a second request from the new network raised %v", e.audit.events[n:])
	}
	from(h, "/me", tok, "192.0.2.1:1", "test-agent")
	if ev, _ := e.audit.last(sessiond.EventAnomaly); len(e.audit.events) == n || ev.IP != "192.0.2.1" {
		t.Errorf("moving back was not audited: %+v", ev)
	}
}

func TestAnomaly_UserAgentChangeDemandsReauth(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.guarded()}
	b.do("POST", "/login?user=alice")
	r := httptestRequest("GET", "/private")
	r.Header.Set("User-Agent", "other-agent")
	r.Header.Set("Accept", "text/html")
	r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: b.tok})
	if res := serve(b.h, r); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/reauth?next=%2Fprivate" {
		t.Fatalf("after a User-Agent change: %d to %q, want 303 to /reauth", res.StatusCode, res.Header.Get("Location"))
	}
	n := len(e.audit.events)
	serve(b.h, r.Clone(r.Context()))
	if len(e.audit.events) != n {
		t.Errorf("the same demand was audited again: %v", e.audit.events[n:])
	}
	r = httptestRequest("POST", "/reauth?method=pwd")
	r.Header.Set("User-Agent", "other-agent")
	r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: b.tok})
	res := serve(b.h, r)
	c := sessionCookie(res)
	if res.StatusCode != http.StatusOK || c == nil {
		t.Fatalf("reauth = %d, cookie %v", res.StatusCode, c)
	}
	if res := from(b.h, "/private", c.Value, "192.0.2.1:1", "other-agent"); res.StatusCode != http.StatusOK {
		t.Errorf("after reauth with the new User-Agent: %d, want 200", res.StatusCode)
	}
}

// A request that the policy lets through with no User-Agent never records
// an empty one: the next User-Agent is still compared with the first.
func TestAnomaly_EmptyUserAgentNeverRecorded(t *testing.T) {
	e := newEnv(t, sessiond.Config{Anomaly: sessiond.AnomalyPolicy{BothChange: sessiond.ActionAudit}})
	h := e.app()
	s, tok := e.login(t, "alice")
	if res := from(h, "/me", tok, "198.51.100.7:1", ""); res.StatusCode != 200 {
		t.Fatalf("both changed under an auditing policy = %d, want 200", res.StatusCode)
	}
	got, _, err := e.m.Get(t.Context(), s.ID())
	if err != nil || got.UserAgent() != "test-agent" || got.IP() != "198.51.100.7" {
		t.Fatalf("recorded client %q %q (%v), want the new IP and the old User-Agent", got.IP(), got.UserAgent(), err)
	}
	if res := from(h, "/me", tok, "198.51.100.7:1", "other-agent"); res.StatusCode != 401 {
		t.Errorf("another User-Agent after an empty one = %d, want 401 (re-authenticate)", res.StatusCode)
	}
}

func TestAnomaly_CustomPolicyAndIPv6(t *testing.T) {
	e := newEnv(t, sessiond.Config{Anomaly: sessiond.AnomalyPolicy{IPChange: sessiond.ActionRevoke}})
	h := e.app()
	_, tok, _ := e.m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Client: sessiond.Client{IP: "2001:db8:1:2::1", UserAgent: "test-agent"}})
	if res := from(h, "/me", tok, "[2001:db8:1:ffff::9]:1", "test-agent"); res.StatusCode != 200 {
		t.Errorf("same /48 = %d, want 200", res.StatusCode)
	}
	if res := from(h, "/me", tok, "[2001:db8:2::1]:1", "test-agent"); res.StatusCode != 401 {
		t.Errorf("another /48 under a revoking policy = %d, want 401", res.StatusCode)
	}
	if ev, _ := e.audit.last(sessiond.EventRevoked); ev.Reason != sessiond.ReasonAnomaly {
		t.Errorf("revocation reason %q, want anomaly", ev.Reason)
	}
}

func TestClient_TrustedProxies(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	e := newEnv(t, sessiond.Config{TrustedProxies: proxies})
	cases := []struct {
		name, remote, xff, want string
	}{
		{"direct client", "192.0.2.1:1", "203.0.113.9", "192.0.2.1"},
		{"through a proxy", "10.0.0.2:1", "203.0.113.9", "203.0.113.9"},
		{"spoofed left hop", "10.0.0.2:1", "1.2.3.4, 203.0.113.9", "203.0.113.9"},
		{"two proxies", "10.0.0.2:1", "203.0.113.9, 10.0.0.3", "203.0.113.9"},
		{"garbage hop", "10.0.0.2:1", "203.0.113.9, nonsense", "10.0.0.2"},
		{"no header", "10.0.0.2:1", "", "10.0.0.2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptestRequest("GET", "/")
			r.RemoteAddr = c.remote
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := e.m.Client(r).IP; got != c.want {
				t.Errorf("client IP = %q, want %q", got, c.want)
			}
			if got := sessiond.ClientFromRequest(r).IP; got+":1" != c.remote {
				t.Errorf("ClientFromRequest believed forwarding headers: %q", got)
			}
		})
	}
}
