package demo

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

// wholeTour takes two browsers through every page and action of the site.
func wholeTour(t *testing.T, s *testSite) {
	t.Helper()
	a := s.browser()
	a.signup("alice")
	secret := a.enrolTOTP()
	a.logout()
	s.nextStep()
	wantRedirect(t, "password step", a.login("alice", testPassword, "remember", "1"), "/login/mfa")
	wantRedirect(t, "second step", a.secondStep(s.code(secret)), "/account")
	b := s.browser()
	b.ua = firefoxUA
	wantRedirect(t, "second browser", b.login("alice", testPassword), "/login/mfa")
	s.nextStep()
	wantRedirect(t, "second browser, second step", b.secondStep(s.code(secret)), "/account")
	b.me()
	s.clock.Advance(11 * time.Minute)
	a.submit("/account/sessions", "/account/sessions/revoke", url.Values{"session_id": {a.devices().others()[0]}})
	s.nextStep()
	wantRedirect(t, "reauth", a.reauth("/account/sessions", s.code(secret)), "/account/sessions")
	a.submit("/account/sessions", "/account/sessions/revoke", url.Values{"session_id": {a.devices().others()[0]}})
	a.get("/account/mfa")
	a.submit("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a brand new passphrase"}, "revoke_others": {"1"}})
	a.me()
	a.logout()
}

// secretCookies are the cookies whose values are secrets.
var secretCookies = []string{sessionCookie, "__Host-csrf-pre", throttle.DeviceCookieName}

func TestTokens_NeverExposed_R8_R10(t *testing.T) {
	s := newTestSite(t)
	wholeTour(t, s)
	traffic := s.exchanges()
	secrets := map[string]string{}
	for _, e := range traffic {
		for _, c := range (&http.Response{Header: e.header}).Cookies() {
			for _, name := range secretCookies {
				if c.Name == name && len(c.Value) >= 16 {
					secrets[c.Value] = name
				}
			}
		}
	}
	if len(secrets) < 6 {
		t.Fatalf("only %d cookie values seen in the tour", len(secrets))
	}
	for _, e := range traffic {
		for value, name := range secrets {
			where := ""
			switch {
			case strings.Contains(e.url, value):
				where = "the request URL (R8)"
			case strings.Contains(e.header.Get("Location"), value):
				where = "a Location header (R8)"
			case strings.Contains(e.body, value):
				where = "the body (R8 links and form actions, R10)"
			default:
				for h, vs := range e.header {
					if h != "Set-Cookie" && strings.Contains(strings.Join(vs, " "), value) {
						where = "the " + h + " header (R10)"
					}
				}
			}
			if where != "" {
				t.Errorf("%s %s: the value of %s is in %s", e.method, e.url, name, where)
			}
		}
	}
}

func TestTokens_OnlyFromTheCookie_R9(t *testing.T) {
	s := newTestSite(t)
	a := s.browser()
	a.signup("alice")
	tok := a.session()
	tests := []struct {
		name string
		req  func(b *browser) *http.Request
	}{
		{"query string", func(b *browser) *http.Request {
			return b.request(http.MethodGet, "/api/me?"+url.Values{sessionCookie: {tok}, "session": {tok}, "token": {tok}}.Encode(), nil)
		}},
		{"path", func(b *browser) *http.Request { return b.request(http.MethodGet, "/api/me/"+tok, nil) }},
		{"Authorization: Bearer", func(b *browser) *http.Request {
			r := b.request(http.MethodGet, "/api/me", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			return r
		}},
		{"other header", func(b *browser) *http.Request {
			r := b.request(http.MethodGet, "/api/me", nil)
			r.Header.Set("X-Session-Token", tok)
			r.Header.Set("X-CSRF-Token", tok)
			return r
		}},
		{"cookie of another name", func(b *browser) *http.Request {
			r := b.request(http.MethodGet, "/api/me", nil)
			r.Header.Set("Cookie", "session="+tok+"; __Secure-session="+tok)
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser().in(t)
			r := b.send(tt.req(b))
			if r.StatusCode == http.StatusOK || strings.Contains(r.body, "alice") {
				t.Errorf("got %d %q, want the token ignored", r.StatusCode, r.body)
			}
		})
	}
	if code, _ := a.me(); code != http.StatusOK {
		t.Errorf("the cookie itself: /api/me = %d, want 200", code)
	}
}

func TestReauth_NextStaysOnSite(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/account/sessions", "/account/sessions"},
		{"/account/password?x=1", "/account/password?x=1"},
		{"https://evil.example/", "/account"},
		{"//evil.example/", "/account"},
		{"/\\evil.example/", "/account"},
		{"/\t/evil.example/", "/account"},
		{"/\n/evil.example/", "/account"},
		{"/\\\t\\evil.example/", "/account"},
		{"javascript:alert(1)", "/account"},
		{"", "/account"},
	}
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			form := url.Values{"password": {testPassword}, "next": {tt.next}}
			r := b.in(t).submit("/reauth?next="+url.QueryEscape(tt.next), "/reauth", form)
			wantRedirect(t, "reauth", r, tt.want)
		})
	}
}
