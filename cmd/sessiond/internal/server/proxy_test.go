package server

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// proxied is sessiond serving plain HTTP on the loopback, with two
// reverse proxies in front of it on the loopback too, both of which set
// X-Forwarded-For and X-Forwarded-Proto and pass the Host header on:
// secure ends TLS (X-Forwarded-Proto: https), plain takes plain HTTP
// (X-Forwarded-Proto: http).
type proxied struct {
	secure, plain *httptest.Server
	direct        string // sessiond's own URL
}

// behindProxies starts sessiond with the demo site, --insecure-http and
// flags, behind proxies.
func behindProxies(t *testing.T, flags ...string) proxied {
	t.Helper()
	app := newApp(t, t.TempDir(), append([]string{"--insecure-http", "--addr", "127.0.0.1:0"}, flags...)...)
	sites, _, _, err := app.Sites(true)
	if err != nil {
		t.Fatal(err)
	}
	backend := &url.URL{Scheme: "http", Host: serve(t, app, app.Handler(sites))}
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(backend)
		pr.Out.Host = pr.In.Host
		pr.SetXForwarded() // replaces whatever the client sent
	}}
	p := proxied{secure: httptest.NewTLSServer(proxy), plain: httptest.NewServer(proxy), direct: backend.String()}
	t.Cleanup(p.secure.Close)
	t.Cleanup(p.plain.Close)
	return p
}

// browser is a client with a cookie jar that does not follow redirects,
// trusting the TLS proxy's certificate.
func (p proxied) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := p.secure.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// csrfField finds the hidden csrf_token of a form.
var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// loginForm loads base's login page in c and returns the answer and the
// form's CSRF token ("" when there is none).
func loginForm(t *testing.T, c *http.Client, base string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return res, ""
	}
	return res, html.UnescapeString(string(m[1]))
}

// postLogin posts the login form to base with the given Origin and
// X-Forwarded-Proto (none when ""), and returns the status.
func postLogin(t *testing.T, c *http.Client, base, token, origin, proto string) int {
	t.Helper()
	form := url.Values{"username": {"nobody"}, "password": {"not the password"}, "csrf_token": {token}}
	r, err := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", origin)
	if proto != "" {
		r.Header.Set("X-Forwarded-Proto", proto)
	}
	res, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestTrustedProxy_ForwardedScheme_R11_R12_R42 runs sessiond as the README
// says to behind a proxy that terminates TLS (--insecure-http
// --trusted-proxies): the scheme the proxy forwards decides the CSRF
// origin check and the redirect to HTTPS, and HSTS is sent.
func TestTrustedProxy_ForwardedScheme_R11_R12_R42(t *testing.T) {
	p := behindProxies(t, "--trusted-proxies", "127.0.0.1/32")
	b := p.browser(t)
	res, token := loginForm(t, b, p.secure.URL)
	if res.StatusCode != http.StatusOK || token == "" {
		t.Fatalf("login form through the TLS proxy: got %d (Location %q), want 200 with a form", res.StatusCode, res.Header.Get("Location"))
	}
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=31536000") {
		t.Errorf("Strict-Transport-Security: got %q, want max-age of a year", hsts)
	}
	host := strings.TrimPrefix(p.secure.URL, "https://")
	if code := postLogin(t, b, p.secure.URL, token, "https://"+host, ""); code == http.StatusForbidden {
		t.Errorf("same-origin login post through the TLS proxy: got 403, want the CSRF check passed")
	}
	if code := postLogin(t, b, p.secure.URL, token, "http://"+host, ""); code != http.StatusForbidden {
		t.Errorf("login post from a plain-HTTP page to the HTTPS site: got %d, want 403", code)
	}

	res, err := b.Get(p.plain.URL + "/login?next=%2Faccount")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if want := "https://127.0.0.1/login?next=%2Faccount"; res.StatusCode != http.StatusPermanentRedirect || res.Header.Get("Location") != want {
		t.Errorf("GET over plain HTTP through the proxy: got %d to %q, want 308 to %q", res.StatusCode, res.Header.Get("Location"), want)
	}
	if code := postLogin(t, b, p.plain.URL, token, p.plain.URL, ""); code != http.StatusBadRequest {
		t.Errorf("POST over plain HTTP through the proxy: got %d, want 400", code)
	}
}

// TestTrustedProxy_ForwardedSchemeIgnoredFromOthers_R11_R42 checks that
// X-Forwarded-Proto changes nothing when the connection does not come
// from --trusted-proxies: through a proxy not listed, or sent by a
// client straight to sessiond.
func TestTrustedProxy_ForwardedSchemeIgnoredFromOthers_R11_R42(t *testing.T) {
	p := behindProxies(t, "--trusted-proxies", "192.0.2.0/24")
	b := p.browser(t)
	_, token := loginForm(t, b, p.secure.URL)
	if token == "" {
		t.Fatalf("no login form through the TLS proxy")
	}
	host := strings.TrimPrefix(p.secure.URL, "https://")
	if code := postLogin(t, b, p.secure.URL, token, "http://"+host, ""); code == http.StatusForbidden {
		t.Errorf("http:// Origin through an untrusted proxy that says https: got 403, want the header ignored (a plain request)")
	}
	if res, _ := loginForm(t, b, p.plain.URL); res.StatusCode != http.StatusOK {
		t.Errorf("GET through an untrusted proxy that says http: got %d (Location %q), want 200", res.StatusCode, res.Header.Get("Location"))
	}

	r, _ := http.NewRequest(http.MethodGet, p.direct+"/login", nil)
	r.Header.Set("X-Forwarded-Proto", "http")
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET straight to sessiond with X-Forwarded-Proto: http from a client: got %d, want 200", res.StatusCode)
	}
}
