package demo

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// everyKindOfAnswer drives a browser through answers of every kind: pages,
// redirects, refusals, errors, JSON, a stylesheet, an image and a log-out.
func everyKindOfAnswer(t *testing.T, s *testSite) {
	t.Helper()
	b := s.browser()
	b.get("/")
	b.get("/login")
	b.get("/static/style.css")
	b.get("/no/such/page")
	b.me()
	b.signup("alice")
	b.get("/account")
	b.get("/account/sessions")
	b.get("/account/password")
	b.get("/account/mfa")
	b.get("/account/mfa/qr.png")
	b.me()
	b.post("/logout", url.Values{})                                  // 403
	b.send(b.request(http.MethodGet, "/logout", nil))                // 405
	b.send(b.request(http.MethodHead, "/account", nil))              // HEAD
	b.send(b.request("TRACE", "/account", nil))                      // 405
	b.submit("/account/password", "/account/password", url.Values{}) // 401
	b.logout()
	s.browser().login("alice", "wrong password here")
	b.get("/account")
}

func TestHeaders_HSTSAndNosniffOnEveryResponse_R12_R47(t *testing.T) {
	s := newTestSite(t)
	everyKindOfAnswer(t, s)
	for _, e := range s.exchanges() {
		hsts := e.header.Get("Strict-Transport-Security")
		age, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(hsts, ";")[0], "max-age="))
		if age < 31536000 || !strings.Contains(hsts, "includeSubDomains") {
			t.Errorf("R12 %s %s (%d): Strict-Transport-Security %q, want max-age ≥ 31536000 and includeSubDomains", e.method, e.url, e.status, hsts)
		}
		if got := e.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("R47 %s %s (%d): X-Content-Type-Options %q, want nosniff", e.method, e.url, e.status, got)
		}
		if got := e.header.Values("Server"); len(got) != 0 {
			t.Errorf("R48 %s %s (%d): Server %q, want none", e.method, e.url, e.status, got)
		}
	}
}

func TestHeaders_HTMLPages_R47(t *testing.T) {
	s := newTestSite(t)
	everyKindOfAnswer(t, s)
	pages := 0
	for _, e := range s.exchanges() {
		if !strings.HasPrefix(e.header.Get("Content-Type"), "text/html") {
			continue
		}
		pages++
		csp := e.header.Get("Content-Security-Policy")
		for _, d := range []string{"object-src 'none'", "base-uri 'none'", "frame-ancestors "} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s %s (%d): Content-Security-Policy %q lacks %q", e.method, e.url, e.status, csp, d)
			}
		}
		if e.header.Get("Referrer-Policy") == "" {
			t.Errorf("%s %s (%d): no Referrer-Policy", e.method, e.url, e.status)
		}
		if got := e.header.Get("Cross-Origin-Opener-Policy"); got != "same-origin" {
			t.Errorf("%s %s (%d): Cross-Origin-Opener-Policy %q, want same-origin", e.method, e.url, e.status, got)
		}
	}
	if pages < 8 {
		t.Errorf("only %d HTML answers seen", pages)
	}
}

func TestHeaders_NoStore_R46(t *testing.T) {
	s := newTestSite(t)
	everyKindOfAnswer(t, s)
	for _, e := range s.exchanges() {
		// A TRACE is refused before any session is looked at.
		authenticated := e.method != "TRACE" && (strings.HasPrefix(e.url, s.srv.URL+"/account") || strings.HasPrefix(e.url, s.srv.URL+"/api/me"))
		setsCookie := len(e.header.Values("Set-Cookie")) > 0
		if !authenticated && !setsCookie {
			continue
		}
		cc := e.header.Get("Cache-Control")
		if !strings.Contains(cc, "no-store") || strings.Contains(cc, "no-cache=") {
			t.Errorf("%s %s (%d, sets cookie %v): Cache-Control %q, want no-store", e.method, e.url, e.status, setsCookie, cc)
		}
	}
}

func TestHeaders_Trace_R48(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	for _, method := range []string{"TRACE", "TRACK"} {
		r := b.send(b.request(method, "/account", nil))
		if r.StatusCode != http.StatusMethodNotAllowed || strings.Contains(r.body, sessionCookie) || strings.Contains(r.body, b.session()) {
			t.Errorf("%s: got %d %q, want 405 without an echo", method, r.StatusCode, r.body)
		}
	}
	r := b.get("/no/such/page?debug=1")
	if r.StatusCode != http.StatusNotFound || !strings.Contains(r.body, "<h1>Page not found</h1>") || strings.Contains(r.body, "such") || strings.Contains(r.body, "debug") {
		t.Errorf("unknown page: got %d %q, want the site's 404 page, which repeats nothing of the request", r.StatusCode, r.body)
	}
}
