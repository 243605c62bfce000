package sessiond_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sessiond/sessiond"
)

// TestFlow_TLSCookieJar drives a real TLS server with a cookie jar, as a
// browser would, from anonymous through login to logout.
func TestFlow_TLSCookieJar_R8_R10_R28(t *testing.T) {
	e := newEnv(t, sessionConfig())
	srv := httptest.NewTLSServer(e.app())
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := srv.Client()
	client.Jar = jar
	base, _ := url.Parse(srv.URL)

	var seen []string // every header and body the client received
	call := func(method, path string, want int) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s = %d, want %d", method, path, res.StatusCode, want)
		}
		seen = append(seen, string(b), res.Header.Get("Location"), res.Request.URL.String())
	}
	token := func() string {
		for _, c := range jar.Cookies(base) {
			if c.Name == sessiond.DefaultCookieName {
				return c.Value
			}
		}
		return ""
	}

	call("GET", "/me", http.StatusUnauthorized)
	call("POST", "/login?user=alice", http.StatusOK)
	tok := token()
	if tok == "" {
		t.Fatalf("no session cookie in the jar after login")
	}
	call("GET", "/me", http.StatusOK)
	call("POST", "/set?k=theme&v=dark", http.StatusOK)
	call("GET", "/get?k=theme", http.StatusOK)
	if last := seen[len(seen)-3]; last != "dark" {
		t.Errorf("GET /get = %q, want dark", last)
	}
	call("POST", "/logout", http.StatusOK)
	if token() != "" {
		t.Errorf("cookie still in the jar after logout")
	}
	call("GET", "/me", http.StatusUnauthorized)
	for _, s := range seen {
		if strings.Contains(s, tok) {
			t.Errorf("token appeared outside Set-Cookie: %q", s)
		}
	}
	// A copy of the token taken before logout is dead.
	req, _ := http.NewRequest("GET", srv.URL+"/me", nil)
	req.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: tok})
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("replayed token after logout = %d, want 401", res.StatusCode)
	}
}
