package api

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/forwardauth"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/forwarded"
	"github.com/sessiond/sessiond/memstore"
)

// downStore is a memstore whose Find fails while down is set.
type downStore struct {
	*memstore.Store
	down atomic.Bool
}

func (s *downStore) Find(ctx context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	if s.down.Load() {
		return nil, false, context.DeadlineExceeded
	}
	return s.Store.Find(ctx, h)
}

// faEnv is the API with forward-auth over HTTPS, behind forwarded's
// handler as the service runs it, on a memstore with a fake clock.
type faEnv struct {
	srv    *httptest.Server
	m      *sessiond.Manager
	clock  *clock
	store  *downStore
	signer *forwardauth.Signer
	audit  *auditRecorder
}

// auditRecorder keeps the audit events.
type auditRecorder struct{ events chan sessiond.Event }

func (a *auditRecorder) Audit(_ context.Context, e sessiond.Event) {
	select {
	case a.events <- e:
	default:
	}
}

// loopback is the network the test client connects from.
var loopback = forwarded.Proxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// newFAEnv serves forward-auth with the given trusted proxies, a login
// and a re-authentication page, and https://app.example as the only
// return origin.
func newFAEnv(t testing.TB, proxies forwarded.Proxies) *faEnv {
	t.Helper()
	e := &faEnv{clock: fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), audit: &auditRecorder{events: make(chan sessiond.Event, 100)}}
	e.store = &downStore{Store: memstore.New(memstore.Config{Now: e.clock.Now})}
	t.Cleanup(func() { e.store.Close() })
	m, err := sessiond.New(e.store, sessiond.Config{
		Now: e.clock.Now, TrustedProxies: proxies, Auditor: e.audit,
		Keys: testKeys, DeviceBinding: sessiond.DeviceBindingConfig{Enabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.m, e.signer = m, forwardauth.NewSigner(make([]byte, ed25519.SeedSize))
	h := Handler(Config{Manager: m, ForwardAuth: ForwardAuth{
		Proxies: proxies, LoginURL: "https://login.example/login", ReauthURL: "https://login.example/reauth?x=1",
		ReturnOrigins: forwardauth.Origins{"https://app.example"}, Signer: e.signer, Now: e.clock.Now,
	}})
	mux := http.NewServeMux()
	mux.Handle("/v1/", h)
	mux.HandleFunc("GET /.well-known/jwks.json", e.signer.JWKS)
	e.srv = httptest.NewTLSServer(proxies.Handler(mux))
	t.Cleanup(e.srv.Close)
	return e
}

// login makes a session of user and returns its token.
func (e *faEnv) login(t testing.TB, user string, pending bool) string {
	t.Helper()
	_, tok, err := e.m.LoginToken(context.Background(), sessiond.LoginInfo{
		UserID: user, Methods: []string{"pwd", "totp"}, Pending: pending,
		Client: sessiond.Client{IP: "127.0.0.1", UserAgent: "agent"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// ask sends GET /v1/forward-auth?query with the headers (given as
// name, value pairs; a User-Agent replaces the default "agent") and, when
// tok is set, the session cookie.
func (e *faEnv) ask(t testing.TB, query, tok string, headers ...string) *http.Response {
	t.Helper()
	r, _ := http.NewRequest("GET", e.srv.URL+"/v1/forward-auth?"+query, nil)
	r.Header.Set("User-Agent", "agent")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "User-Agent" {
			r.Header.Del("User-Agent")
		}
		r.Header.Add(headers[i], headers[i+1])
	}
	if tok != "" {
		r.Header.Add("Cookie", sessiond.DefaultCookieName+"="+tok)
	}
	c := e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// identityHeaders are the headers every answer carries.
var identityHeaders = []string{headerUserID, headerSessionID, headerAuthTime, headerAuthMethods, headerAssertion}

// wantIdentity checks that res carries each identity header once, with
// the values of want (user, session id, auth time, methods; empty for
// none).
func wantIdentity(t *testing.T, res *http.Response, want ...string) {
	t.Helper()
	for i, name := range identityHeaders[:4] {
		vs := res.Header.Values(name)
		if len(vs) != 1 || vs[0] != want[i] {
			t.Errorf("%s: got %q, want [%q]", name, vs, want[i])
		}
	}
	if vs := res.Header.Values(headerAssertion); len(vs) != 1 {
		t.Errorf("%s: got %q, want one value", headerAssertion, vs)
	}
}

// navigation are the headers of a browser's page load of /page?a=b, as
// nginx forwards them.
func navigation(method string) []string {
	return []string{"X-Original-Method", method, "X-Original-URI", "/page?a=b", "X-Forwarded-Host", "app.example",
		"X-Forwarded-Proto", "https", "Sec-Fetch-Mode", "navigate", "Accept", "text/html"}
}

// TestForwardAuth_ValidSession_R9 checks the answer for a live session:
// 200 with the whole identity set, whatever identity headers the client
// sent, in any case or with underscores.
func TestForwardAuth_ValidSession_R9(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	s, _, _ := e.m.Load(context.Background(), tok, sessiond.Client{IP: "127.0.0.1", UserAgent: "agent"})
	forged := []string{"X-Sessiond-User-Id", "mallory", "x-sessiond-user-id", "mallory", "X_Sessiond_User_Id", "mallory",
		"X-SESSIOND-SESSION-ID", "forged", "X-Sessiond-Assertion", "forged", "X-Sessiond-Auth-Methods", "hwk"}
	res := e.ask(t, "", tok, append(navigation("GET"), forged...)...)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d, want 200", res.StatusCode)
	}
	wantIdentity(t, res, "alice", s.ID(), "2026-03-01T09:00:00Z", "pwd,totp")
	if got := res.Header.Get(headerAssertion); got != "" {
		t.Errorf("assertion: got %q, want none unless aud is asked", got)
	}
	for name := range res.Header {
		if strings.Contains(strings.ToLower(name), "sessiond_") {
			t.Errorf("a client header came back: %s", name)
		}
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", cc)
	}
}

// TestForwardAuth_NoLiveSession_R4_R26_R49 checks that every request
// without a live session is refused alike: a page load is sent to log in
// with its return URL, anything else is 401, with empty identity headers.
func TestForwardAuth_NoLiveSession_R4_R26_R49(t *testing.T) {
	e := newFAEnv(t, loopback)
	expired := e.login(t, "bob", false)
	revoked := e.login(t, "carol", false)
	s, _, _ := e.m.Load(context.Background(), revoked, sessiond.Client{})
	s.Revoke(context.Background(), sessiond.ReasonLogout)
	pending := e.login(t, "dave", true)
	e.clock.Advance(sessiond.DefaultIdleTimeout + time.Minute)
	wantLogin := "https://login.example/login?rd=" + url.QueryEscape("https://app.example/page?a=b")
	for name, tok := range map[string]string{
		"none": "", "unknown": strings.Repeat("A", 43), "malformed": "<script>", "oversized": strings.Repeat("x", 3000),
		"expired": expired, "revoked": revoked, "pending": pending,
	} {
		t.Run(name, func(t *testing.T) {
			res := e.ask(t, "", tok, navigation("GET")...)
			if res.StatusCode != http.StatusFound || res.Header.Get("Location") != wantLogin {
				t.Errorf("page load: got %d %q, want 302 to %q", res.StatusCode, res.Header.Get("Location"), wantLogin)
			}
			wantIdentity(t, res, "", "", "", "")
			xhr := e.ask(t, "", tok, "X-Original-Method", "GET", "X-Original-URI", "/api", "Sec-Fetch-Mode", "cors", "Accept", "text/html")
			if xhr.StatusCode != http.StatusUnauthorized || xhr.Header.Get("Location") != "" {
				t.Errorf("XHR: got %d %q, want 401 and no Location", xhr.StatusCode, xhr.Header.Get("Location"))
			}
			wantIdentity(t, xhr, "", "", "", "")
		})
	}
}

// TestForwardAuth_NginxMode_R49 checks that mode=nginx never redirects:
// a page load is 401 with where to go in X-Sessiond-Redirect, for nginx's
// error_page to send the browser there.
func TestForwardAuth_NginxMode_R49(t *testing.T) {
	e := newFAEnv(t, loopback)
	res := e.ask(t, "mode=nginx", "", navigation("GET")...)
	want := "https://login.example/login?rd=" + url.QueryEscape("https://app.example/page?a=b")
	if res.StatusCode != http.StatusUnauthorized || res.Header.Get("Location") != "" || res.Header.Get(headerRedirect) != want {
		t.Errorf("page load: got %d, Location %q, %s %q; want 401 and %q", res.StatusCode, res.Header.Get("Location"), headerRedirect, res.Header.Get(headerRedirect), want)
	}
	xhr := e.ask(t, "mode=nginx", "", "X-Original-Method", "GET", "X-Original-URI", "/api", "Accept", "application/json")
	if xhr.StatusCode != http.StatusUnauthorized || xhr.Header.Get(headerRedirect) != "" {
		t.Errorf("XHR: got %d, %s %q; want 401 and nowhere to go", xhr.StatusCode, headerRedirect, xhr.Header.Get(headerRedirect))
	}
}

// TestForwardAuth_Freshness_R39_R40 checks max_age and a session that must
// re-authenticate: both send a page load to re-authenticate, not to log
// in, and XHR gets 401 reauth_required.
func TestForwardAuth_Freshness_R39_R40(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	if res := e.ask(t, "max_age=10m&rotate=0", tok, navigation("GET")...); res.StatusCode != http.StatusOK {
		t.Fatalf("fresh login: got %d, want 200", res.StatusCode)
	}
	e.clock.Advance(11 * time.Minute)
	wantReauth := "https://login.example/reauth?x=1&rd=" + url.QueryEscape("https://app.example/page?a=b")
	res := e.ask(t, "max_age=10m&rotate=0", tok, navigation("GET")...)
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != wantReauth {
		t.Errorf("stale login: got %d %q, want 302 to %q", res.StatusCode, res.Header.Get("Location"), wantReauth)
	}
	if res := e.ask(t, "rotate=0", tok, navigation("GET")...); res.StatusCode != http.StatusOK {
		t.Errorf("same session where no freshness is asked: got %d, want 200", res.StatusCode)
	}
	// A new User-Agent makes the anomaly policy demand re-authentication.
	res = e.ask(t, "rotate=0", tok, append(navigation("GET"), "User-Agent", "another agent")...)
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), "https://login.example/reauth?") {
		t.Errorf("reauth_required session: got %d %q, want 302 to the reauth page", res.StatusCode, res.Header.Get("Location"))
	}
	xhr := e.ask(t, "rotate=0", tok, "X-Original-Method", "GET", "Accept", "application/json")
	if xhr.StatusCode != http.StatusUnauthorized {
		t.Errorf("reauth_required XHR: got %d, want 401", xhr.StatusCode)
	}
}

// TestForwardAuth_CrossSiteUnsafe_R42 checks that an unsafe method from
// another site is refused 403 before the session is looked at, and a
// same-origin one goes through.
func TestForwardAuth_CrossSiteUnsafe_R42(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	base := []string{"X-Original-URI", "/transfer", "X-Forwarded-Host", "app.example", "X-Forwarded-Proto", "https"}
	for _, tt := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"cross-site POST", []string{"X-Original-Method", "POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 403},
		{"foreign Origin", []string{"X-Forwarded-Method", "DELETE", "Origin", "https://evil.example"}, 403},
		{"null Origin", []string{"X-Original-Method", "POST", "Origin", "null"}, 403},
		{"no origin at all", []string{"X-Original-Method", "PUT"}, 403},
		{"http Origin behind https", []string{"X-Original-Method", "POST", "Origin", "http://app.example"}, 403},
		{"cross-site upgrade", []string{"X-Original-Method", "GET", "Upgrade", "websocket", "Origin", "https://evil.example"}, 403},
		{"same-origin POST", []string{"X-Original-Method", "POST", "Sec-Fetch-Site", "same-origin", "Origin", "https://app.example"}, 200},
		{"cross-site GET", []string{"X-Original-Method", "GET", "Sec-Fetch-Site", "cross-site"}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.ask(t, "rotate=0", tok, append(tt.headers, base...)...)
			if res.StatusCode != tt.want {
				t.Errorf("status: got %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == 403 && res.Header.Get(headerUserID) != "" {
				t.Errorf("a refusal carries the user %q", res.Header.Get(headerUserID))
			}
		})
	}
}

// TestForwardAuth_ForwardedHeadersIgnoredFromOthers_R42 checks that a
// client that is not a trusted proxy cannot make a request look like
// another: its forwarded method and host are ignored (its own GET
// passes), and its return URL is never built from them.
func TestForwardAuth_ForwardedHeadersIgnoredFromOthers_R42(t *testing.T) {
	e := newFAEnv(t, forwarded.Proxies{netip.MustParsePrefix("10.0.0.0/8")})
	tok := e.login(t, "alice", false)
	res := e.ask(t, "rotate=0", tok, "X-Original-Method", "POST", "Origin", "https://evil.example", "X-Forwarded-Host", "app.example")
	if res.StatusCode != http.StatusOK {
		t.Errorf("forwarded POST from an untrusted client: got %d, want 200 (its own GET)", res.StatusCode)
	}
	res = e.ask(t, "", "", navigation("GET")...)
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "https://login.example/login" {
		t.Errorf("page load from an untrusted client: got %d %q, want 302 to the login page without rd", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestForwardAuth_BadForwardedRequest_R4 checks that what a trusted proxy
// forwards is read strictly: a missing method, a repeated or conflicting
// header, a bad URI or host is 401 with no identity, never a 2xx or 5xx.
func TestForwardAuth_BadForwardedRequest_R4(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	for name, headers := range map[string][]string{
		"no method":             {"X-Original-URI", "/"},
		"two methods":           {"X-Original-Method", "GET", "X-Original-Method", "POST"},
		"methods that disagree": {"X-Original-Method", "GET", "X-Forwarded-Method", "POST"},
		"bad method":            {"X-Original-Method", "GE T"},
		"URI without slash":     {"X-Original-Method", "GET", "X-Original-URI", "https://evil.example/"},
		"URI with a space":      {"X-Original-Method", "GET", "X-Original-URI", "/a b"},
		"non-ASCII URI":         {"X-Original-Method", "GET", "X-Original-URI", "/é"},
		"bad host":              {"X-Original-Method", "GET", "X-Forwarded-Host", "app.example/evil"},
		"host with user info":   {"X-Original-Method", "GET", "X-Forwarded-Host", "evil@app.example"},
		"two hosts":             {"X-Original-Method", "GET", "X-Forwarded-Host", "a.example", "X-Forwarded-Host", "b.example"},
	} {
		t.Run(name, func(t *testing.T) {
			res := e.ask(t, "rotate=0", tok, headers...)
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("status: got %d, want 401", res.StatusCode)
			}
			wantIdentity(t, res, "", "", "", "")
		})
	}
}

// TestForwardAuth_OpenRedirect_R8 checks that a page load never sends the
// user to log in with a return URL off the allow list, whatever host or
// URI the proxy forwards.
func TestForwardAuth_OpenRedirect_R8(t *testing.T) {
	e := newFAEnv(t, loopback)
	for _, tt := range []struct{ host, uri string }{
		{"evil.example", "/"}, {"app.example.evil.example", "/"}, {"APP.EXAMPLE:443", "/"}, {"app.example:8443", "/"},
		{"app.example", "//evil.example/"}, {"app.example", "/\\evil.example"}, {"xn--pp-7sb.example", "/"},
	} {
		res := e.ask(t, "", "", "X-Original-Method", "GET", "X-Original-URI", tt.uri, "X-Forwarded-Host", tt.host,
			"X-Forwarded-Proto", "https", "Sec-Fetch-Mode", "navigate")
		if loc := res.Header.Get("Location"); res.StatusCode == http.StatusFound && loc != "https://login.example/login" {
			t.Errorf("host %q, URI %q: got Location %q, want the login page without rd", tt.host, tt.uri, loc)
		}
	}
	res := e.ask(t, "", "", "X-Original-Method", "GET", "X-Original-URI", "/", "X-Forwarded-Host", "app.example",
		"X-Forwarded-Proto", "http", "Sec-Fetch-Mode", "navigate")
	if loc := res.Header.Get("Location"); loc != "https://login.example/login" {
		t.Errorf("the http origin: got Location %q, want no rd (only https://app.example is allowed)", loc)
	}
}

// TestForwardAuth_StoreDown_R51 checks that a store failure is 503 and
// never a 2xx, and that the answer comes back with the store.
func TestForwardAuth_StoreDown_R51(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	e.store.down.Store(true)
	res := e.ask(t, "", tok, navigation("GET")...)
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("store down: got %d, want 503", res.StatusCode)
	}
	wantIdentity(t, res, "", "", "", "")
	e.store.down.Store(false)
	if res := e.ask(t, "", tok, navigation("GET")...); res.StatusCode != http.StatusOK {
		t.Errorf("store back: got %d, want 200", res.StatusCode)
	}
}

// TestForwardAuth_Rotation_R23 checks that a token due for rotation comes
// back as the middleware's Set-Cookie, and that rotate=0 keeps it.
func TestForwardAuth_Rotation_R23(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	e.clock.Advance(sessiond.DefaultRotateEvery)
	res := e.ask(t, "rotate=0", tok, navigation("GET")...)
	if res.StatusCode != http.StatusOK || len(res.Cookies()) != 0 {
		t.Fatalf("rotate=0: got %d, cookies %v; want 200 and none", res.StatusCode, res.Cookies())
	}
	res = e.ask(t, "", tok, navigation("GET")...)
	cookies := res.Cookies()
	if res.StatusCode != http.StatusOK || len(cookies) != 1 {
		t.Fatalf("due for rotation: got %d, cookies %v; want 200 and one", res.StatusCode, cookies)
	}
	c := cookies[0]
	if c.Name != sessiond.DefaultCookieName || c.Value == tok || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie: got %+v, want the middleware's attributes and a new token", c)
	}
	if res := e.ask(t, "rotate=0", c.Value, navigation("GET")...); res.StatusCode != http.StatusOK {
		t.Errorf("the new token: got %d, want 200", res.StatusCode)
	}
}

// TestForwardAuth_RotationOnARefusal_R23 checks that a token rotated on a
// request that is then refused (too old for max_age) still reaches the
// browser: otherwise the retired token, used after its grace window,
// would look stolen and end the session.
func TestForwardAuth_RotationOnARefusal_R23(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	e.clock.Advance(sessiond.DefaultRotateEvery)
	res := e.ask(t, "max_age=10m", tok, navigation("GET")...)
	if res.StatusCode != http.StatusFound || len(res.Cookies()) != 1 {
		t.Fatalf("stale login due for rotation: got %d, cookies %v; want 302 and the new token", res.StatusCode, res.Cookies())
	}
	e.clock.Advance(sessiond.DefaultRotationGrace + time.Second)
	if res := e.ask(t, "rotate=0", res.Cookies()[0].Value, navigation("GET")...); res.StatusCode != http.StatusOK {
		t.Errorf("the new token after the grace window: got %d, want 200", res.StatusCode)
	}
}

// TestForwardAuth_BadQuery checks that the proxy's configuration is read
// strictly: a misspelt or bad parameter is 400, never a pass.
func TestForwardAuth_BadQuery(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	for _, q := range []string{"maxage=10m", "max_age=10", "max_age=-1m", "max_age=0s", "mode=caddy", "rotate=yes",
		"rotate=0&rotate=1", "aud=", "aud=a%20b", "aud=" + strings.Repeat("a", 513), "%zz"} {
		res := e.ask(t, q, tok, navigation("GET")...)
		if res.StatusCode != http.StatusBadRequest || res.Header.Get(headerUserID) != "" {
			t.Errorf("%s: got %d, user %q; want 400 and no user", q, res.StatusCode, res.Header.Get(headerUserID))
		}
	}
}

// TestForwardAuth_AuditedLikeTheMiddleware_R52 checks that an expired
// token presented to forward-auth is audited as the middleware audits it.
func TestForwardAuth_AuditedLikeTheMiddleware_R52(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	e.clock.Advance(sessiond.DefaultIdleTimeout + time.Minute)
	e.ask(t, "", tok, "X-Original-Method", "GET", "X-Forwarded-For", "198.51.100.7")
	for {
		select {
		case ev := <-e.audit.events:
			if ev.Type == sessiond.EventExpired {
				if ev.UserID != "alice" || ev.IP != "198.51.100.7" {
					t.Errorf("session.expired: got user %q, ip %q; want alice from the forwarded client", ev.UserID, ev.IP)
				}
				return
			}
		default:
			t.Fatal("no session.expired event")
		}
	}
}

// TestForwardAuth_Assertion checks the signed assertion: it verifies with
// Ed25519 against the key the JWKS document publishes, names the user,
// the session and the audience asked for, and expires within 60 seconds.
func TestForwardAuth_Assertion(t *testing.T) {
	e := newFAEnv(t, loopback)
	tok := e.login(t, "alice", false)
	res := e.ask(t, "rotate=0&aud="+url.QueryEscape("https://app.example"), tok, navigation("GET")...)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d, want 200", res.StatusCode)
	}
	jwt := res.Header.Get(headerAssertion)
	header, claims := verifyJWT(t, e.fetchJWKS(t), jwt)
	if header["alg"] != "EdDSA" || header["kid"] != e.signer.KeyID() {
		t.Errorf("header: got %v, want alg EdDSA and the key's kid", header)
	}
	now := e.clock.Now().Unix()
	if claims.Audience != "https://app.example" || claims.Subject != "alice" || claims.SessionID != res.Header.Get(headerSessionID) ||
		claims.Issuer != "sessiond" || claims.IssuedAt != now || claims.Expires <= now || claims.Expires-claims.IssuedAt > 60 ||
		claims.AuthTime != now || strings.Join(claims.AuthMethods, ",") != "pwd,totp" {
		t.Errorf("claims: got %+v, want alice's session for https://app.example, expiring within 60 s", claims)
	}
	parts := strings.Split(jwt, ".")
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"mallory"}`)) + "." + parts[2]
	if verifies(e.fetchJWKS(t), forged) {
		t.Errorf("an assertion with a changed payload verifies")
	}
}

// fetchJWKS returns the public key of the JWKS document, over HTTPS.
func (e *faEnv) fetchJWKS(t *testing.T) map[string]ed25519.PublicKey {
	t.Helper()
	res, err := e.srv.Client().Get(e.srv.URL + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var set struct {
		Keys []struct{ Kty, Crv, X, Kid string }
	}
	if err := json.NewDecoder(res.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	keys := map[string]ed25519.PublicKey{}
	for _, k := range set.Keys {
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || k.Kty != "OKP" || k.Crv != "Ed25519" || len(x) != ed25519.PublicKeySize {
			t.Fatalf("JWKS key %+v is not an Ed25519 public key", k)
		}
		keys[k.Kid] = x
	}
	return keys
}

// verifies reports whether jwt's signature verifies with the key its kid
// names.
func verifies(keys map[string]ed25519.PublicKey, jwt string) bool {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return false
	}
	var header struct{ Alg, Kid string }
	raw, _ := base64.RawURLEncoding.DecodeString(parts[0])
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if json.Unmarshal(raw, &header) != nil || err != nil || header.Alg != "EdDSA" {
		return false
	}
	key, ok := keys[header.Kid]
	return ok && ed25519.Verify(key, []byte(parts[0]+"."+parts[1]), sig)
}

// verifyJWT checks jwt's signature and returns its header and claims.
func verifyJWT(t *testing.T, keys map[string]ed25519.PublicKey, jwt string) (map[string]string, forwardauth.Claims) {
	t.Helper()
	if !verifies(keys, jwt) {
		t.Fatalf("assertion %q does not verify against the JWKS", jwt)
	}
	parts := strings.Split(jwt, ".")
	var header map[string]string
	var claims forwardauth.Claims
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if json.Unmarshal(h, &header) != nil || json.Unmarshal(p, &claims) != nil {
		t.Fatalf("assertion %q does not decode", jwt)
	}
	return header, claims
}

// FuzzForwardAuth sends whatever method, URI and host a trusted proxy
// might forward, with alice's cookie: the answer is never a 5xx, a 2xx is
// alice's, and a redirect goes to the login page with at most an allowed
// return URL.
func FuzzForwardAuth(f *testing.F) {
	for _, s := range [][3]string{
		{"GET", "/page?a=b", "app.example"}, {"POST", "//evil.example", "APP.example"}, {"get", "/\\evil", "evil.example"},
		{"GET", "/%2F%2Fevil", "app.example:443"}, {"", "", ""}, {"GET", "/\x00", "app.example\x00"}, {"GET", "/é", "аpp.example"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	e := newFAEnv(f, loopback)
	tok := e.login(f, "alice", false)
	h := e.srv.Config.Handler
	f.Fuzz(func(t *testing.T, method, uri, host string) {
		r := httptest.NewRequest("GET", "https://sessiond.example/v1/forward-auth?rotate=0", nil)
		r.RemoteAddr = "127.0.0.1:4000"
		r.Header = http.Header{"Cookie": {sessiond.DefaultCookieName + "=" + tok}, "User-Agent": {"agent"}, "Sec-Fetch-Mode": {"navigate"},
			"X-Original-Method": {method}, "X-Original-Uri": {uri}, "X-Forwarded-Host": {host}, "X-Forwarded-Proto": {"https"}}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch loc := w.Header().Get("Location"); {
		case w.Code >= 500:
			t.Fatalf("status %d", w.Code)
		case w.Code == http.StatusOK && w.Header().Get(headerUserID) != "alice":
			t.Fatalf("200 for user %q, want alice", w.Header().Get(headerUserID))
		case w.Code == http.StatusOK, w.Code == http.StatusUnauthorized, w.Code == http.StatusForbidden:
		case w.Code == http.StatusFound:
			u, err := url.Parse(loc)
			rd := u.Query().Get("rd")
			if err != nil || !strings.HasPrefix(loc, "https://login.example/login") || rd != "" && !strings.HasPrefix(rd, "https://app.example/") {
				t.Fatalf("redirect to %q", loc)
			}
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}
