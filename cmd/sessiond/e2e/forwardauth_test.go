package e2e

import (
	"crypto/ed25519"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/devcert"
)

// TestForwardAuth_Nginx runs the forward-auth scenarios through nginx
// configured with docs/forward-auth/nginx.conf.
func TestForwardAuth_Nginx(t *testing.T) {
	forwardAuthScenarios(t, startNginx(t))
}

// TestForwardAuth_Caddy runs the forward-auth scenarios through Caddy
// configured with docs/forward-auth/Caddyfile.
func TestForwardAuth_Caddy(t *testing.T) {
	forwardAuthScenarios(t, startCaddy(t))
}

// browser is a browser of the app behind a proxy: it keeps cookies and
// does not follow redirects, so that each can be checked.
type browser struct {
	t      *testing.T
	p      *proxied
	client *http.Client
}

func (p *proxied) browser(t *testing.T) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.roots}}
	t.Cleanup(tr.CloseIdleConnections)
	return &browser{t: t, p: p, client: &http.Client{
		Transport: tr, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// browserUA is the User-Agent of every browser: the anomaly policy
// treats a change as a stolen session.
const browserUA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0"

// reply is an answer the browser got.
type reply struct {
	status int
	header http.Header
	body   string
}

// Headers of a browser's top-level page load and of a script's fetch.
var (
	navigation = http.Header{"Sec-Fetch-Mode": {"navigate"}, "Sec-Fetch-Site": {"none"}, "Accept": {"text/html"}}
	xhr        = http.Header{"Sec-Fetch-Mode": {"cors"}, "Sec-Fetch-Site": {"same-origin"}, "Accept": {"application/json"}}
)

// do sends method path (on the app's origin) with the headers h, as
// given (names keep their case), and body as a form when not nil.
func (b *browser) do(method, path string, h http.Header, form url.Values) reply {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.p.origin+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("User-Agent", browserUA)
	for k, vs := range h {
		req.Header[k] = vs
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return reply{res.StatusCode, res.Header, string(raw)}
}

// get loads path as a page.
func (b *browser) get(path string) reply {
	b.t.Helper()
	return b.do("GET", path, navigation, nil)
}

// app loads path as a page and returns the headers the app received; it
// fails unless the proxy let the request through.
func (b *browser) app(path string, h http.Header) http.Header {
	b.t.Helper()
	r := b.do("GET", path, h, nil)
	var seen http.Header
	if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &seen) != nil {
		b.t.Fatalf("GET %s: got %d %.200s, want 200 from the app", path, r.status, r.body)
	}
	return seen
}

// hiddenInput finds the hidden fields of a form.
var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"`)

// submit loads the form page, then posts form to action with the page's
// hidden fields (its CSRF token, its return target), as a page of the
// app's origin.
func (b *browser) submit(page, action string, form url.Values) reply {
	b.t.Helper()
	r := b.get(page)
	for _, m := range hiddenInput.FindAllStringSubmatch(r.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("csrf_token") == "" {
		b.t.Fatalf("GET %s: got %d, no csrf_token in %.300s", page, r.status, r.body)
	}
	h := http.Header{"Origin": {b.p.origin}, "Sec-Fetch-Site": {"same-origin"}, "Sec-Fetch-Mode": {"navigate"}}
	return b.do("POST", action, h, form)
}

// wantRedirect checks that r is a redirect to page on the app's origin
// (a path, or an absolute URL as nginx makes it) and returns its rd
// parameter.
func wantRedirect(t *testing.T, p *proxied, what string, r reply, page string) string {
	t.Helper()
	loc, err := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || err != nil || loc.Path != page || (loc.Host != "" && loc.Scheme+"://"+loc.Host != p.origin) {
		t.Fatalf("%s: got %d Location %q, want 302 to %s", what, r.status, r.header.Get("Location"), page)
	}
	return loc.Query().Get("rd")
}

// forwardAuthScenarios checks, through a proxy configured as the docs
// show, what forward-auth promises a browser and the app behind it.
func forwardAuthScenarios(t *testing.T, p *proxied) {
	// A user of the demo, made by signing up in a browser of its own.
	signup := p.browser(t).submit("/signup", "/signup", url.Values{"username": {"alice"}, "password": {"correct horse battery"}})
	if signup.status != http.StatusSeeOther {
		t.Fatalf("sign-up: got %d %.300s, want 303", signup.status, signup.body)
	}
	b := p.browser(t)

	// Anonymous navigation goes to the login page with the page to come
	// back to; the login returns there, and the app sees the user.
	rd := wantRedirect(t, p, "anonymous page load", b.get("/docs/page?x=1"), "/login")
	if rd != p.origin+"/docs/page?x=1" {
		t.Fatalf("rd: got %q, want %q", rd, p.origin+"/docs/page?x=1")
	}
	login := b.submit("/login?rd="+url.QueryEscape(rd), "/login", url.Values{"username": {"alice"}, "password": {"correct horse battery"}})
	if login.status != http.StatusSeeOther || login.header.Get("Location") != rd {
		t.Fatalf("login: got %d Location %q, want 303 to %s", login.status, login.header.Get("Location"), rd)
	}
	seen := b.app("/docs/page?x=1", navigation)
	user, sid := seen.Get("X-Sessiond-User-Id"), seen.Get("X-Sessiond-Session-Id")
	if user == "" || sid == "" || seen.Get("X-Sessiond-Auth-Methods") != "pwd" {
		t.Fatalf("the app saw %v, want the user's identity", seen)
	}
	if _, err := time.Parse(time.RFC3339, seen.Get("X-Sessiond-Auth-Time")); err != nil {
		t.Errorf("X-Sessiond-Auth-Time: %v", err)
	}
	if c := cookieOf(b, p.origin); c == "" {
		t.Fatalf("the browser holds no %s for %s", sessiond.DefaultCookieName, p.origin)
	}

	t.Run("the app verifies the assertion with the JWKS", func(t *testing.T) {
		claims := verifyAssertion(t, p, seen.Get("X-Sessiond-Assertion"))
		if claims.Aud != p.origin || claims.Sub != user || claims.Sid != sid {
			t.Errorf("claims: got %+v, want aud %s, sub %s, sid %s", claims, p.origin, user, sid)
		}
		now := p.portal.clock.Now().Unix()
		if claims.Exp <= now || claims.Exp > now+60 {
			t.Errorf("exp %d: want within 60 s after %d", claims.Exp, now)
		}
		forged := strings.Split(seen.Get("X-Sessiond-Assertion"), ".")
		forged[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"mallory"}`))
		if verifyErr(t, p, strings.Join(forged, ".")) == "" {
			t.Error("a forged assertion verified")
		}
	})

	t.Run("client-sent identity headers never reach the app", func(t *testing.T) {
		forged := http.Header{}
		for k, v := range navigation {
			forged[k] = v
		}
		for _, name := range []string{"X-Sessiond-User-Id", "x_sessiond_user_id", "X_Sessiond_User_Id", "X-SESSIOND-USER-ID", "x-sessiond-user_id", "X-Sessiond-Assertion", "x_sessiond_assertion", "X-Sessiond-Session-Id"} {
			forged[name] = []string{"mallory"}
		}
		if r := p.browser(t).do("GET", "/docs/page", forged, nil); r.status != http.StatusFound {
			t.Errorf("anonymous, with forged headers: got %d, want 302", r.status)
		}
		// Behind forward-auth the app sees sessiond's values; on the
		// public part, none.
		for path, want := range map[string]string{"/docs/page": user, "/public/page": ""} {
			var got http.Header
			if r := b.do("GET", path, forged, nil); r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &got) != nil {
				t.Fatalf("GET %s: got %d %.200s", path, r.status, r.body)
			}
			for name, vs := range got {
				norm := strings.ReplaceAll(strings.ToLower(name), "_", "-")
				if !strings.HasPrefix(norm, "x-sessiond-") {
					continue
				}
				if strings.Contains(name, "_") || len(vs) != 1 || strings.Contains(vs[0], "mallory") || want == "" {
					t.Errorf("%s: the app received %s: %q", path, name, vs)
				}
			}
			if got.Get("X-Sessiond-User-Id") != want {
				t.Errorf("%s: X-Sessiond-User-Id: got %q, want %q", path, got.Get("X-Sessiond-User-Id"), want)
			}
		}
	})

	t.Run("a request that is not a page load gets 401", func(t *testing.T) {
		if r := p.browser(t).do("GET", "/api/items", xhr, nil); r.status != http.StatusUnauthorized {
			t.Errorf("fetch without a session: got %d, want 401", r.status)
		}
		if r := b.do("GET", "/api/items", xhr, nil); r.status != http.StatusOK {
			t.Errorf("fetch with the session: got %d, want 200", r.status)
		}
	})

	t.Run("a cross-site POST is refused", func(t *testing.T) {
		for _, h := range []http.Header{
			{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}},
			{"Origin": {"https://evil.example"}, "X-Forwarded-Method": {"GET"}, "X-Original-Method": {"GET"}},
		} {
			if r := b.do("POST", "/docs/page", h, url.Values{"a": {"1"}}); r.status != http.StatusForbidden {
				t.Errorf("POST with %v: got %d, want 403", h, r.status)
			}
		}
		same := http.Header{"Origin": {p.origin}, "Sec-Fetch-Site": {"same-origin"}}
		if r := b.do("POST", "/docs/page", same, url.Values{"a": {"1"}}); r.status != http.StatusOK {
			t.Errorf("same-origin POST: got %d, want 200", r.status)
		}
	})

	t.Run("no open redirect through rd", func(t *testing.T) {
		anon := p.browser(t)
		for _, path := range []string{"//evil.example/", "/\\evil.example/", "/%2F%2Fevil.example/"} {
			if rd := wantRedirect(t, p, "page load of "+path, anon.get(path), "/login"); rd != "" && !strings.HasPrefix(rd, p.origin+"/") {
				t.Errorf("page load of %s: rd %q leaves the app's origin", path, rd)
			}
		}
		// The login page sends nobody off the list, whatever rd says.
		for _, rd := range []string{"https://evil.example/", "//evil.example/", "https://127.0.0.1.evil.example/", p.origin + "@evil.example/", "/\\evil.example"} {
			other := p.browser(t)
			r := other.submit("/login?rd="+url.QueryEscape(rd), "/login", url.Values{"username": {"alice"}, "password": {"correct horse battery"}})
			if loc, _ := url.Parse(r.header.Get("Location")); r.status != http.StatusSeeOther || loc == nil || loc.Host != "" || !strings.HasPrefix(loc.Path, "/") || strings.HasPrefix(loc.Path, "//") {
				t.Errorf("login with rd %q: got %d Location %q, want 303 to a path of the site", rd, r.status, r.header.Get("Location"))
			}
		}
	})

	t.Run("a path that demands a recent login sends to re-authenticate", func(t *testing.T) {
		b.app("/settings/", navigation)
		p.portal.clock.Advance(11 * time.Minute)
		rd := wantRedirect(t, p, "stale login", b.get("/settings/profile"), "/reauth")
		if rd != p.origin+"/settings/profile" {
			t.Errorf("rd: got %q, want %q", rd, p.origin+"/settings/profile")
		}
		if r := b.do("GET", "/settings/profile", xhr, nil); r.status != http.StatusUnauthorized {
			t.Errorf("fetch with a stale login: got %d, want 401", r.status)
		}
		b.app("/docs/page", navigation) // the rest of the app takes any login
		r := b.submit("/reauth?rd="+url.QueryEscape(rd), "/reauth", url.Values{"password": {"correct horse battery"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != rd {
			t.Fatalf("re-authentication: got %d Location %q, want 303 to %s", r.status, r.header.Get("Location"), rd)
		}
		b.app("/settings/profile", navigation)
	})

	t.Run("a token due for rotation reaches the browser", func(t *testing.T) {
		before := cookieOf(b, p.origin)
		p.portal.clock.Advance(16 * time.Minute) // past --rotate-every
		b.app("/docs/page", navigation)
		if rotated := cookieOf(b, p.origin) != before; rotated != p.rotates {
			t.Fatalf("the browser's token changed: %t, want %t", rotated, p.rotates)
		}
		// Past the grace window, only the browser's token is good: the
		// old one would look stolen and end the session.
		p.portal.clock.Advance(time.Minute)
		b.app("/docs/page", navigation)
	})

	t.Run("revocation in the admin UI ends the session at the proxy", func(t *testing.T) {
		sid := b.app("/docs/page", navigation).Get("X-Sessiond-Session-Id")
		p.operatorBrowser(t).revoke(sid)
		wantRedirect(t, p, "page load after revocation", b.get("/docs/page"), "/login")
		if r := b.do("GET", "/api/items", xhr, nil); r.status != http.StatusUnauthorized {
			t.Errorf("fetch after revocation: got %d, want 401", r.status)
		}
	})
}

// operatorBrowser is a browser signed in to the admin UI of p's portal,
// on sessiond's own origin.
func (p *proxied) operatorBrowser(t *testing.T) *browser {
	t.Helper()
	direct := &proxied{origin: "https://" + p.portal.addr, roots: poolOf(filepath.Join(p.portal.dir, devcert.CertFile)), portal: p.portal}
	op := direct.browser(t)
	form := url.Values{"username": {p.portal.operator}, "password": {p.portal.password}}
	if r := op.submit("/admin/login", "/admin/login", form); r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/" {
		t.Fatalf("admin login: got %d Location %q, want 303 to /admin/", r.status, r.header.Get("Location"))
	}
	return op
}

// revoke ends the session sid with the Revoke button of the admin UI's
// list of sessions.
func (b *browser) revoke(sid string) {
	b.t.Helper()
	page := b.get("/admin/")
	if !strings.Contains(page.body, `name="session_id" value="`+sid+`"`) {
		b.t.Fatalf("the admin UI's sessions page (%d) lists no session %s", page.status, sid)
	}
	form := url.Values{"session_id": {sid}}
	for _, m := range hiddenInput.FindAllStringSubmatch(page.body, -1) {
		if m[1] == "csrf_token" {
			form.Set("csrf_token", html.UnescapeString(m[2]))
		}
	}
	h := http.Header{"Origin": {b.p.origin}, "Sec-Fetch-Site": {"same-origin"}, "Sec-Fetch-Mode": {"navigate"}}
	if r := b.do("POST", "/admin/sessions/revoke", h, form); r.status != http.StatusSeeOther {
		b.t.Fatalf("revoke in the admin UI: got %d %.200s, want 303", r.status, r.body)
	}
}

// cookieOf is the session cookie the browser holds for origin.
func cookieOf(b *browser, origin string) string {
	u, _ := url.Parse(origin)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == sessiond.DefaultCookieName {
			return c.Value
		}
	}
	return ""
}

// assertionClaims are the claims the tests read.
type assertionClaims struct {
	Aud, Sub, Sid string
	Exp           int64
}

// verifyAssertion checks a JWT as an app would, with the key of its kid
// in sessiond's JWKS document, and returns its claims.
func verifyAssertion(t *testing.T, p *proxied, jwt string) assertionClaims {
	t.Helper()
	if msg := verifyErr(t, p, jwt); msg != "" {
		t.Fatalf("assertion %q: %s", jwt, msg)
	}
	var c assertionClaims
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[1])
	json.Unmarshal(payload, &c)
	return c
}

// verifyErr says why jwt does not verify, or "" when it does.
func verifyErr(t *testing.T, p *proxied, jwt string) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "not three parts"
	}
	var head struct{ Alg, Kid string }
	raw, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if json.Unmarshal(raw, &head) != nil || head.Alg != "EdDSA" {
		return "header " + string(raw)
	}
	a := p.portal.api.send(t, "GET", "/.well-known/jwks.json", nil, http.Header{})
	var set struct {
		Keys []struct{ Kty, Crv, X, Kid string }
	}
	if err := json.Unmarshal(a.raw, &set); err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	for _, k := range set.Keys {
		pub, _ := base64.RawURLEncoding.DecodeString(k.X)
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		if k.Kid == head.Kid && k.Kty == "OKP" && k.Crv == "Ed25519" && len(pub) == ed25519.PublicKeySize {
			if ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
				return ""
			}
			return "bad signature"
		}
	}
	return "no key " + head.Kid
}
