package demo

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// postWith sends a form with exactly the given extra headers: no Origin or
// Sec-Fetch-Site unless listed.
func (b *browser) postWith(path string, form url.Values, headers map[string]string) *reply {
	b.t.Helper()
	r := b.request(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return b.send(r)
}

// unsafeRoutes are the site's state-changing routes, with the page that
// holds each one's form and a form that would succeed with a good token.
var unsafeRoutes = []struct {
	action, page string
	form         url.Values
}{
	{"/logout", "/account", url.Values{}},
	{"/account/password", "/account/password", url.Values{"current_password": {testPassword}, "new_password": {"another long passphrase"}, "revoke_others": {"1"}}},
	{"/account/sessions/revoke-others", "/account/sessions", url.Values{}},
	{"/account/sessions/revoke", "/account/sessions", url.Values{"session_id": {"x"}}},
	{"/account/mfa", "/account/mfa", url.Values{"code": {"123456"}}},
	{"/reauth", "/reauth", url.Values{"password": {testPassword}, "next": {"/account"}}},
	{"/login", "/account", url.Values{"username": {"alice"}, "password": {testPassword}}},
	{"/signup", "/account", url.Values{"username": {"mallory"}, "password": {testPassword}}},
}

func TestCSRF_Token_R41(t *testing.T) {
	tokens := []struct {
		name  string
		token func(s *testSite, b *browser) string
	}{
		{"missing", func(*testSite, *browser) string { return "" }},
		{"malformed", func(*testSite, *browser) string { return "not-a-token" }},
		{"foreign: another browser's session", func(s *testSite, _ *browser) string {
			other := s.browser()
			other.signup("bob")
			return other.token("/account")
		}},
		{"stale: this browser's earlier session", func(_ *testSite, b *browser) string {
			old := b.token("/account")
			b.logout()
			b.mustLogin("alice")
			return old
		}},
		{"pre-session of this browser", func(_ *testSite, b *browser) string {
			anon := b.site.browser()
			tok := anon.token("/login")
			b.jar.SetCookies(b.site.url, []*http.Cookie{{Name: "__Host-csrf-pre", Value: anon.cookieValue("__Host-csrf-pre"), Path: "/", Secure: true}})
			return tok
		}},
	}
	for _, route := range unsafeRoutes {
		for _, tok := range tokens {
			t.Run(route.action+"/"+tok.name, func(t *testing.T) {
				s := newTestSite(t)
				b := s.browser()
				b.signup("alice")
				form := cloneForm(route.form)
				if v := tok.token(s, b); v != "" {
					form.Set("csrf_token", v)
				}
				before := b.session()
				r := b.post(route.action, form)
				wantStatus(t, "POST "+route.action, r, http.StatusForbidden)
				if r.body != "forbidden\n" {
					t.Errorf("refusal body: got %q, want the generic %q", r.body, "forbidden\n")
				}
				if b.session() != before {
					t.Errorf("the refused request changed the session cookie")
				}
				if code, _ := b.me(); code != http.StatusOK {
					t.Errorf("after the refused request: /api/me = %d, want 200", code)
				}
			})
		}
	}
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func TestCSRF_Origin_R42(t *testing.T) {
	tests := []struct {
		name    string
		headers func(origin string) map[string]string
		want    int
	}{
		{"same-origin", func(o string) map[string]string {
			return map[string]string{"Origin": o, "Sec-Fetch-Site": "same-origin"}
		}, http.StatusSeeOther},
		{"Origin only, same", func(o string) map[string]string { return map[string]string{"Origin": o} }, http.StatusSeeOther},
		{"Sec-Fetch-Site cross-site", func(string) map[string]string { return map[string]string{"Sec-Fetch-Site": "cross-site"} }, http.StatusForbidden},
		{"Sec-Fetch-Site cross-site, own Origin", func(o string) map[string]string {
			return map[string]string{"Origin": o, "Sec-Fetch-Site": "cross-site"}
		}, http.StatusForbidden},
		{"Sec-Fetch-Site same-site", func(string) map[string]string { return map[string]string{"Sec-Fetch-Site": "same-site"} }, http.StatusForbidden},
		{"foreign Origin", func(string) map[string]string { return map[string]string{"Origin": "https://evil.example"} }, http.StatusForbidden},
		{"foreign Origin, same-origin claimed", func(string) map[string]string {
			return map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"}
		}, http.StatusForbidden},
		{"http Origin of this host", func(o string) map[string]string {
			return map[string]string{"Origin": strings.Replace(o, "https:", "http:", 1)}
		}, http.StatusForbidden},
		{"Origin null", func(string) map[string]string { return map[string]string{"Origin": "null"} }, http.StatusForbidden},
		{"Origin null, same-origin claimed", func(string) map[string]string {
			return map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}
		}, http.StatusForbidden},
		{"neither header", func(string) map[string]string { return nil }, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSite(t)
			b := s.browser()
			b.signup("alice")
			form := url.Values{"csrf_token": {b.token("/account")}}
			r := b.postWith("/logout", form, tt.headers(s.srv.URL))
			wantStatus(t, "POST /logout", r, tt.want)
			code, _ := b.me()
			if signedIn := code == http.StatusOK; signedIn != (tt.want == http.StatusForbidden) {
				t.Errorf("still signed in: got %v, want %v", signedIn, tt.want == http.StatusForbidden)
			}
		})
	}
}

func TestCSRF_SafeMethodsChangeNothing_R43(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	other := s.browser()
	other.mustLogin("alice")
	id := b.devices().others()[0]
	tests := []struct{ method, path string }{
		{http.MethodGet, "/account/sessions/revoke?session_id=" + id},
		{http.MethodHead, "/account/sessions/revoke?session_id=" + id},
		{http.MethodOptions, "/account/sessions/revoke"},
		{http.MethodGet, "/account/sessions/revoke-others"},
		{http.MethodHead, "/account/sessions/revoke-others"},
		{http.MethodGet, "/logout"},
		{http.MethodOptions, "/logout"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			b := b.in(t)
			r := b.send(b.request(tt.method, tt.path, nil))
			wantStatus(t, tt.method+" "+tt.path, r, http.StatusMethodNotAllowed)
		})
	}
	if code, _ := other.me(); code != http.StatusOK {
		t.Errorf("the other session after safe requests: /api/me = %d, want 200", code)
	}
	if code, _ := b.me(); code != http.StatusOK {
		t.Errorf("this session after safe requests: /api/me = %d, want 200", code)
	}
	// GET of a settings page shows a form and changes nothing either.
	wantStatus(t, "GET /account/password", b.get("/account/password?current_password=x&new_password=yyyyyyyyyyyyyyyy"), http.StatusOK)
	if ok, _ := pwhash.Check(s.mustUser("alice").PasswordHash, testPassword); !ok {
		t.Errorf("GET /account/password changed the password")
	}
}
