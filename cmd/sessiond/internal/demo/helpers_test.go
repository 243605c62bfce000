package demo

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/secheaders"
)

// cheapParams keep the tests fast; production uses pwhash.DefaultParams.
var cheapParams = pwhash.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// User-Agents of test browsers. A browser keeps its own: a change is an
// anomaly that demands re-authentication.
const (
	chromeUA  = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
	firefoxUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
)

// sessionCookie is the site's session cookie.
const sessionCookie = sessiond.DefaultCookieName

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// nopAuditor drops events after the store has kept them.
type nopAuditor struct{}

func (nopAuditor) Audit(context.Context, sessiond.Event) {}

// exchange is one request and its answer, as a browser saw them.
type exchange struct {
	method, url string
	reqHeader   http.Header
	status      int
	header      http.Header
	body        string
}

// testSite is the demo site over HTTPS, wrapped in the security headers
// like the server wraps it, on a memstore with a fake clock. It records
// every exchange of every browser.
type testSite struct {
	t     *testing.T
	srv   *httptest.Server
	url   *url.URL
	clock *clock
	m     *sessiond.Manager
	store *memstore.Store
	users *Users
	site  *Site

	mu      sync.Mutex
	traffic []exchange
}

// newTestSite starts a site with no users; change adjusts the manager's
// configuration.
func newTestSite(t *testing.T, change ...func(*sessiond.Config)) *testSite {
	t.Helper()
	return newTestSiteWith(t, nil, nil, change...)
}

// newTestSiteOf starts a site on users, as newTestSite does.
func newTestSiteOf(t *testing.T, users *Users, change ...func(*sessiond.Config)) *testSite {
	t.Helper()
	return newTestSiteWith(t, users, nil, change...)
}

// newTestSiteWith starts a site on users, or with no users if nil; site,
// unless nil, adjusts the site's configuration, and change the manager's.
func newTestSiteWith(t *testing.T, users *Users, site func(*Config), change ...func(*sessiond.Config)) *testSite {
	t.Helper()
	if users == nil {
		var err error
		if users, err = OpenUsers(filepath.Join(t.TempDir(), "users.json"), newTestRing(t)); err != nil {
			t.Fatal(err)
		}
	}
	clk := fakeclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store := memstore.New(memstore.Config{Now: clk.Now})
	t.Cleanup(func() { store.Close() })
	cfg := sessiond.Config{Now: clk.Now, Auditor: sessiond.StoreAuditor{Store: store, Next: nopAuditor{}}}
	for _, c := range change {
		c(&cfg)
	}
	m, err := sessiond.New(store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	siteCfg := Config{Manager: m, Users: users, ReauthMaxAge: 10 * time.Minute, IdleTimeout: sessiond.DefaultIdleTimeout, Passwords: cheapParams, Now: clk.Now}
	if site != nil {
		site(&siteCfg)
	}
	s := New(siteCfg)
	srv := httptest.NewTLSServer(secheaders.New(secheaders.Config{}).Handler(s))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return &testSite{t: t, srv: srv, url: u, clock: clk, m: m, store: store, users: users, site: s}
}

// trustLoopbackProxy lets browsers pick their client address with
// X-Forwarded-For, as if a proxy on the loopback forwarded them.
func trustLoopbackProxy(c *sessiond.Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
}

// record keeps an exchange.
func (s *testSite) record(e exchange) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.traffic = append(s.traffic, e)
}

// exchanges returns every exchange so far.
func (s *testSite) exchanges() []exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]exchange(nil), s.traffic...)
}

// recorder is a RoundTripper that keeps every exchange in its site.
type recorder struct {
	next http.RoundTripper
	site *testSite
}

func (rt recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	rt.site.record(exchange{method: r.Method, url: r.URL.String(), reqHeader: r.Header.Clone(), status: resp.StatusCode, header: resp.Header.Clone(), body: string(body)})
	return resp, nil
}

// browser is one cookie jar with a fixed User-Agent: a browser on one
// device. It does not follow redirects, so every answer can be checked.
type browser struct {
	t    *testing.T
	site *testSite
	c    *http.Client
	jar  *cookiejar.Jar
	// ua is the browser's User-Agent.
	ua string
	// ip, when set, is sent as X-Forwarded-For (see trustLoopbackProxy).
	ip string
}

// browser opens a new browser on the site.
func (s *testSite) browser() *browser {
	jar, _ := cookiejar.New(nil)
	base := s.srv.Client()
	c := &http.Client{
		Transport:     recorder{next: base.Transport, site: s},
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	return &browser{t: s.t, site: s, c: c, jar: jar, ua: chromeUA}
}

// in returns the same browser reporting to t, for use in a subtest.
func (b *browser) in(t *testing.T) *browser {
	c := *b
	c.t = t
	return &c
}

// reply is an answer with its body read.
type reply struct {
	*http.Response
	body string
}

// location is the answer's Location header.
func (r *reply) location() string { return r.Header.Get("Location") }

// setCookie returns the answer's Set-Cookie line for the cookie name, or "".
func (r *reply) setCookie(name string) string {
	for _, line := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(line, name+"=") {
			return line
		}
	}
	return ""
}

// cookie returns the parsed Set-Cookie of the answer for name, or nil.
func (r *reply) cookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// request makes a request as a browser does: its User-Agent, an Accept
// that asks for HTML, and its forwarded address when it has one.
func (b *browser) request(method, path string, body io.Reader) *http.Request {
	b.t.Helper()
	r, err := http.NewRequest(method, b.site.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	r.Header.Set("User-Agent", b.ua)
	r.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	if b.ip != "" {
		r.Header.Set("X-Forwarded-For", b.ip)
	}
	return r
}

// send sends r and reads the answer.
func (b *browser) send(r *http.Request) *reply {
	b.t.Helper()
	resp, err := b.c.Do(r)
	if err != nil {
		b.t.Fatalf("%s %s: %v", r.Method, r.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &reply{Response: resp, body: string(body)}
}

// get loads a page.
func (b *browser) get(path string) *reply {
	b.t.Helper()
	return b.send(b.request(http.MethodGet, path, nil))
}

// post sends a form from the site's own origin, as a browser does.
func (b *browser) post(path string, form url.Values) *reply {
	b.t.Helper()
	r := b.request(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", b.site.srv.URL)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.send(r)
}

// csrfField finds the hidden csrf_token of a page.
var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// token loads page and returns its form's CSRF token.
func (b *browser) token(page string) string {
	b.t.Helper()
	r := b.get(page)
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		b.t.Fatalf("GET %s = %d: no csrf_token in the page", page, r.StatusCode)
	}
	return html.UnescapeString(m[1])
}

// submit loads page, takes its CSRF token and posts form to action, as a
// person filling in the form does.
func (b *browser) submit(page, action string, form url.Values) *reply {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", b.token(page))
	return b.post(action, form)
}

// cookieValue returns the jar's value of the named cookie, or "".
func (b *browser) cookieValue(name string) string {
	for _, c := range b.jar.Cookies(b.site.url) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// session returns the browser's session token, or "".
func (b *browser) session() string { return b.cookieValue(sessionCookie) }

// setSession puts a session token in the browser's jar, as an attacker
// planting one or copying one would.
func (b *browser) setSession(token string) {
	b.jar.SetCookies(b.site.url, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/", Secure: true, HttpOnly: true}})
}

// me asks /api/me and returns the status and body.
func (b *browser) me() (int, string) {
	b.t.Helper()
	r := b.get("/api/me")
	return r.StatusCode, r.body
}

// wantStatus fails the test unless r has status code want.
func wantStatus(t *testing.T, what string, r *reply, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s: got status %d (Location %q), want %d; body: %.300s", what, r.StatusCode, r.location(), want, r.body)
	}
}

// wantRedirect fails the test unless r is a 303 to location.
func wantRedirect(t *testing.T, what string, r *reply, location string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.location() != location {
		t.Fatalf("%s: got %d to %q, want 303 to %q; body: %.300s", what, r.StatusCode, r.location(), location, r.body)
	}
}

// testPassword is the password of every test account.
const testPassword = "correct horse battery"

// signup creates an account and leaves b signed in to it.
func (b *browser) signup(name string) {
	b.t.Helper()
	r := b.submit("/signup", "/signup", url.Values{"username": {name}, "password": {testPassword}})
	wantRedirect(b.t, "sign-up of "+name, r, "/account?done=signup")
}

// login submits the login form.
func (b *browser) login(name, pw string, extra ...string) *reply {
	b.t.Helper()
	form := url.Values{"username": {name}, "password": {pw}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return b.submit("/login", "/login", form)
}

// mustLogin logs in with the test password and expects the account page.
func (b *browser) mustLogin(name string) {
	b.t.Helper()
	wantRedirect(b.t, "login of "+name, b.login(name, testPassword), "/account")
}

// logout presses the log-out button of the account page.
func (b *browser) logout() *reply {
	b.t.Helper()
	return b.submit("/account", "/logout", nil)
}

// reauth confirms the password on the re-authentication page for next;
// code is the TOTP code, or "" for a user without two-step login.
func (b *browser) reauth(next, code string) *reply {
	b.t.Helper()
	form := url.Values{"password": {testPassword}, "next": {next}}
	if code != "" {
		form.Set("code", code)
	}
	return b.submit("/reauth?next="+url.QueryEscape(next), "/reauth", form)
}

// otpauthURI finds the setup key shown beside the QR code.
var otpauthURI = regexp.MustCompile(`<code class="uri">(otpauth://[^<]+)</code>`)

// enrolTOTP turns two-step login on for the signed-in user and returns the
// secret. The code used is spent: the next one is due 30 s later.
func (b *browser) enrolTOTP() string {
	b.t.Helper()
	page := b.get("/account/mfa")
	m := otpauthURI.FindStringSubmatch(page.body)
	if m == nil {
		b.t.Fatalf("GET /account/mfa = %d: no otpauth URI shown", page.StatusCode)
	}
	key, err := otp.NewKeyFromURL(html.UnescapeString(m[1]))
	if err != nil {
		b.t.Fatal(err)
	}
	r := b.submit("/account/mfa", "/account/mfa", url.Values{"code": {b.site.code(key.Secret())}, "revoke_others": {"1"}})
	wantRedirect(b.t, "TOTP enrolment", r, "/account?done=mfa")
	return key.Secret()
}

// code is the TOTP code of secret at the fake clock's time.
func (s *testSite) code(secret string) string {
	s.t.Helper()
	c, err := totp.GenerateCode(secret, s.clock.Now())
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// nextStep moves the clock to the start of the next TOTP period, so that a
// fresh code is due.
func (s *testSite) nextStep() {
	now := s.clock.Now()
	s.clock.Advance(time.Duration(totpPeriod-now.Unix()%totpPeriod) * time.Second)
}

// eventQuery selects the audit events of one type.
func eventQuery(typ string) sessiond.EventQuery {
	return sessiond.EventQuery{Type: sessiond.EventType(typ)}
}

// wantToLogin fails the test unless r sends the browser to the login page.
func wantToLogin(t *testing.T, what string, r *reply) {
	t.Helper()
	loc := r.location()
	if r.StatusCode != http.StatusSeeOther || (loc != "/login" && !strings.HasPrefix(loc, "/login?")) {
		t.Fatalf("%s: got %d to %q, want 303 to /login", what, r.StatusCode, loc)
	}
}
