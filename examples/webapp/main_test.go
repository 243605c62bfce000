package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
)

// site is the app served over TLS with its development certificate, on a
// clock the test moves.
type site struct {
	srv   *httptest.Server
	clock *fakeclock.Clock
}

func startSite(t *testing.T) *site {
	t.Helper()
	clock := fakeclock.New(time.Now())
	store := memstore.New(memstore.Config{Now: clock.Now})
	t.Cleanup(func() { store.Close() })
	sessions, err := sessiond.New(store, sessiond.Config{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := devCertificate(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(newApp(sessions))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}} // the test's client trusts it
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &site{srv: srv, clock: clock}
}

// browser is one browser: a cookie jar and a User-Agent. It follows no
// redirect, so that each answer can be checked, and sends what a browser
// sends with a form: Origin, Sec-Fetch-Site and the page's CSRF token.
type browser struct {
	t      *testing.T
	site   *site
	client *http.Client
	agent  string
	token  string // the CSRF token of the last page
}

func (s *site) browser(t *testing.T, agent string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{
		Transport:     s.srv.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &browser{t: t, site: s, client: client, agent: agent}
}

var tokenField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// do sends r and returns the answer and its body.
func (b *browser) do(r *http.Request) (*http.Response, string) {
	b.t.Helper()
	r.Header.Set("User-Agent", b.agent)
	r.Header.Set("Accept", "text/html")
	resp, err := b.client.Do(r)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	if m := tokenField.FindSubmatch(body); m != nil {
		b.token = string(m[1])
	}
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	r, err := http.NewRequest("GET", b.site.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(r)
}

// post submits form to path from a page of origin, with the CSRF token
// of the last page loaded unless form has one.
func (b *browser) post(path, origin string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if !form.Has("csrf_token") {
		form.Set("csrf_token", b.token)
	}
	r, err := http.NewRequest("POST", b.site.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", origin)
	if origin == b.site.srv.URL {
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	} else {
		r.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	return b.do(r)
}

// submit posts form to path from the site's own page.
func (b *browser) submit(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	return b.post(path, b.site.srv.URL, form)
}

// expect checks an answer's status and, for a redirect, its Location.
func expect(t *testing.T, what string, resp *http.Response, status int, location string) {
	t.Helper()
	if resp.StatusCode != status || resp.Header.Get("Location") != location {
		t.Fatalf("%s: got %d %q, want %d %q", what, resp.StatusCode, resp.Header.Get("Location"), status, location)
	}
}

// sessionCookie returns the session cookie an answer sets, or nil.
func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == sessiond.DefaultCookieName {
			return c
		}
	}
	return nil
}

// signIn returns a new browser, signed in by posting name and password
// to path: "/signup" makes the account, "/login" uses it.
func (s *site) signIn(t *testing.T, path, agent, name, password string) *browser {
	t.Helper()
	b := s.browser(t, agent)
	b.get(path)
	resp, _ := b.submit(path, url.Values{"username": {name}, "password": {password}})
	expect(t, path, resp, http.StatusSeeOther, "/account")
	return b
}

// TestWalkThrough goes through the site as a newcomer does: sign-up,
// account, devices, logout, login, and a password change that asks for
// the password again first.
func TestWalkThrough(t *testing.T) {
	s := startSite(t)
	b := s.browser(t, "browser A")

	resp, _ := b.get("/account")
	expect(t, "stranger's account page", resp, http.StatusSeeOther, "/login?next=%2Faccount")

	b.get("/signup")
	resp, _ = b.submit("/signup", url.Values{"username": {"Alice"}, "password": {"correct horse"}})
	expect(t, "sign-up", resp, http.StatusSeeOther, "/account")
	c := sessionCookie(resp)
	if c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.MaxAge != 0 {
		t.Fatalf("session cookie: got %+v, want __Host-session, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, no Max-Age", c)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("sign-up Cache-Control: got %q, want no-store", got)
	}

	resp, body := b.get("/account")
	expect(t, "account page", resp, http.StatusOK, "")
	if !strings.Contains(body, "signed in as <b>alice</b>") {
		t.Errorf("account page does not name alice:\n%s", body)
	}
	for name, want := range map[string]string{
		"Strict-Transport-Security":  "max-age=31536000; includeSubDomains",
		"X-Content-Type-Options":     "nosniff",
		"Cache-Control":              "no-store",
		"Content-Security-Policy":    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
		"Cross-Origin-Opener-Policy": "same-origin",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("account page %s: got %q, want %q", name, got, want)
		}
	}

	resp, body = b.get("/devices")
	expect(t, "devices page", resp, http.StatusOK, "")
	if !strings.Contains(body, "<td>browser A</td>") || !strings.Contains(body, "this browser") {
		t.Errorf("devices page does not list this browser:\n%s", body)
	}

	resp, _ = b.submit("/logout", url.Values{})
	expect(t, "logout", resp, http.StatusSeeOther, "/login")
	if c := sessionCookie(resp); c == nil || c.MaxAge >= 0 {
		t.Errorf("logout: got session cookie %+v, want it expired", c)
	}
	if got := resp.Header.Get("Clear-Site-Data"); got != `"cache", "cookies", "storage"` {
		t.Errorf("logout Clear-Site-Data: got %q", got)
	}
	resp, _ = b.get("/account")
	expect(t, "account page after logout", resp, http.StatusSeeOther, "/login?next=%2Faccount")

	b.get("/login?next=%2Fdevices")
	resp, body = b.submit("/login", url.Values{"username": {"alice"}, "password": {"wrong horse"}})
	expect(t, "login with a wrong password", resp, http.StatusUnauthorized, "")
	if !strings.Contains(body, "Wrong username or password.") {
		t.Errorf("wrong password: no message in\n%s", body)
	}
	resp, _ = b.submit("/login", url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {"/devices"}})
	expect(t, "login", resp, http.StatusSeeOther, "/devices")

	// Right after the login the password form opens; later it asks for
	// the password first.
	resp, _ = b.get("/password")
	expect(t, "password page right after login", resp, http.StatusOK, "")
	s.clock.Advance(reauthMaxAge + time.Second)
	resp, _ = b.get("/password")
	expect(t, "password page later", resp, http.StatusSeeOther, "/reauth?next=%2Fpassword")
	resp, _ = b.submit("/password", url.Values{"new_password": {"a new password"}})
	expect(t, "password change later", resp, http.StatusSeeOther, "/reauth?next=%2Fpassword")

	b.get("/reauth?next=%2Fpassword")
	resp, _ = b.submit("/reauth", url.Values{"password": {"wrong horse"}, "next": {"/password"}})
	expect(t, "re-authentication with a wrong password", resp, http.StatusUnauthorized, "")
	resp, _ = b.submit("/reauth", url.Values{"password": {"correct horse"}, "next": {"/password"}})
	expect(t, "re-authentication", resp, http.StatusSeeOther, "/password")
	if sessionCookie(resp) == nil {
		t.Error("re-authentication did not rotate the session token")
	}

	b.get("/password")
	resp, _ = b.submit("/password", url.Values{"new_password": {"a new password"}, "revoke_others": {"1"}})
	expect(t, "password change", resp, http.StatusSeeOther, "/account?done=password")
	if sessionCookie(resp) == nil {
		t.Error("password change did not rotate the session token")
	}
	_, body = b.get("/account?done=password")
	if !strings.Contains(body, "Your password was changed.") {
		t.Errorf("account page after the change:\n%s", body)
	}

	other := s.browser(t, "browser B")
	other.get("/login")
	resp, _ = other.submit("/login", url.Values{"username": {"alice"}, "password": {"correct horse"}})
	expect(t, "login with the old password", resp, http.StatusUnauthorized, "")
	resp, _ = other.submit("/login", url.Values{"username": {"alice"}, "password": {"a new password"}})
	expect(t, "login with the new password", resp, http.StatusSeeOther, "/account")
}

// TestDevices_Revoke signs one other browser out, then all others.
func TestDevices_Revoke(t *testing.T) {
	s := startSite(t)
	a := s.signIn(t, "/signup", "browser A", "alice", "correct horse")
	b := s.signIn(t, "/login", "browser B", "alice", "correct horse")
	c := s.signIn(t, "/login", "browser C", "alice", "correct horse")
	mallory := s.signIn(t, "/signup", "browser M", "mallory", "mallory's password")

	_, body := a.get("/devices")
	for _, agent := range []string{"browser A", "browser B", "browser C"} {
		if !strings.Contains(body, "<td>"+agent+"</td>") {
			t.Errorf("devices page does not list %s:\n%s", agent, body)
		}
	}
	idB := regexp.MustCompile(`<td>browser B</td>.*\n.*name="revoke" value="([^"]+)"`).FindStringSubmatch(body)
	if idB == nil {
		t.Fatalf("no sign-out button for browser B:\n%s", body)
	}

	mallory.get("/devices")
	resp, _ := mallory.submit("/devices", url.Values{"revoke": {idB[1]}})
	expect(t, "another user's sign-out", resp, http.StatusSeeOther, "/devices")
	resp, _ = b.get("/account")
	expect(t, "B after another user's sign-out", resp, http.StatusOK, "")

	resp, _ = a.submit("/devices", url.Values{"revoke": {idB[1]}})
	expect(t, "sign-out of B", resp, http.StatusSeeOther, "/devices")
	resp, _ = b.get("/account")
	expect(t, "B after its sign-out", resp, http.StatusSeeOther, "/login?next=%2Faccount")
	resp, _ = c.get("/account")
	expect(t, "C after the sign-out of B", resp, http.StatusOK, "")

	a.get("/devices")
	resp, _ = a.submit("/devices", url.Values{"revoke": {"others"}})
	expect(t, "sign-out everywhere else", resp, http.StatusSeeOther, "/devices")
	resp, _ = c.get("/account")
	expect(t, "C after sign-out everywhere else", resp, http.StatusSeeOther, "/login?next=%2Faccount")
	resp, _ = a.get("/account")
	expect(t, "A after sign-out everywhere else", resp, http.StatusOK, "")
}

// TestCSRF_CrossSiteRefused sends forms another site made the user's
// browser send, or that lack the page's token: each is refused and
// changes nothing.
func TestCSRF_CrossSiteRefused(t *testing.T) {
	s := startSite(t)
	a := s.signIn(t, "/signup", "browser A", "alice", "correct horse")
	a.get("/account")

	for _, tc := range []struct {
		name, origin, token string
	}{
		{"cross-site with the token", "https://evil.example", a.token},
		{"null origin with the token", "null", a.token},
		{"same origin without a token", s.srv.URL, ""},
		{"same origin with a forged token", s.srv.URL, "forged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := a.post("/logout", tc.origin, url.Values{"csrf_token": {tc.token}})
			expect(t, "logout", resp, http.StatusForbidden, "")
			resp, _ = a.post("/password", tc.origin, url.Values{"csrf_token": {tc.token}, "new_password": {"attacker's choice"}})
			expect(t, "password change", resp, http.StatusForbidden, "")
			resp, _ = a.get("/account")
			expect(t, "account page after", resp, http.StatusOK, "")
		})
	}

	// A login form posts only from the browser that loaded it.
	other := s.browser(t, "browser B")
	resp, _ := other.submit("/login", url.Values{"csrf_token": {a.token}, "username": {"alice"}, "password": {"correct horse"}})
	expect(t, "login with another browser's token", resp, http.StatusForbidden, "")
}

// TestLogin_Throttled refuses a sixth wrong password in a row at once,
// without checking it, with a generic message and a Retry-After.
func TestLogin_Throttled(t *testing.T) {
	s := startSite(t)
	s.signIn(t, "/signup", "browser A", "alice", "correct horse")
	b := s.browser(t, "browser B")
	b.get("/login")
	for range 5 {
		resp, _ := b.submit("/login", url.Values{"username": {"alice"}, "password": {"a guess"}})
		expect(t, "wrong password", resp, http.StatusUnauthorized, "")
	}
	resp, body := b.submit("/login", url.Values{"username": {"alice"}, "password": {"correct horse"}})
	expect(t, "sixth attempt", resp, http.StatusTooManyRequests, "")
	if resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many attempts") {
		t.Errorf("sixth attempt: got Retry-After %q and\n%s", resp.Header.Get("Retry-After"), body)
	}
}

// TestDevCertificate checks that the certificate serves the addresses a
// newcomer opens.
func TestDevCertificate(t *testing.T) {
	now := time.Now()
	cert, err := devCertificate(now)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(host); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		t.Errorf("valid from %v to %v, not now", leaf.NotBefore, leaf.NotAfter)
	}
}

// TestRun_ReportsListenError checks that a server that cannot start says
// why instead of exiting quietly.
func TestRun_ReportsListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := run(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("run on a busy address: got %v, want address already in use", err)
	}
}
