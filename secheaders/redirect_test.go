package secheaders_test

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/forwarded"
	"github.com/sessiond/sessiond/secheaders"
)

func TestRedirectHTTPS_R11(t *testing.T) {
	cases := []struct {
		name, method, host, target string
		tls                        bool
		wantCode                   int
		wantLocation               string
		wantNext                   bool
	}{
		{"get", "GET", "example.com", "/account?tab=sessions", false, 308, "https://example.com/account?tab=sessions", false},
		{"head", "HEAD", "example.com", "/", false, 308, "https://example.com/", false},
		{"port dropped", "GET", "example.com:80", "/login", false, 308, "https://example.com/login", false},
		{"ipv6", "GET", "[::1]:8080", "/", false, 308, "https://[::1]/", false},
		{"ipv6 without port", "GET", "[::1]", "/", false, 308, "https://[::1]/", false},
		{"double slash stays a path", "GET", "example.com", "//evil.example/", false, 308, "https://example.com//evil.example/", false},
		{"post refused", "POST", "example.com", "/login", false, 400, "", false},
		{"no host", "GET", "", "/", false, 400, "", false},
		{"host with a path", "GET", "a/b@evil.example", "/", false, 400, "", false},
		{"ipv6 with zone", "GET", "[fe80::1%25eth0]", "/", false, 400, "", false},
		{"tls passes", "POST", "example.com", "/login", true, 200, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			called := false
			h := secheaders.RedirectHTTPS(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				called = true
				http.SetCookie(w, &http.Cookie{Name: "__Host-session", Value: "x", Path: "/", Secure: true})
			}))
			r := httptest.NewRequest(c.method, c.target, nil)
			r.Host = c.host
			r.TLS = nil
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			res := w.Result()
			if res.StatusCode != c.wantCode || called != c.wantNext {
				t.Errorf("got status %d, next called %v; want %d, %v", res.StatusCode, called, c.wantCode, c.wantNext)
			}
			if got := res.Header.Get("Location"); got != c.wantLocation {
				t.Errorf("Location: got %q, want %q", got, c.wantLocation)
			}
			if got := res.Header.Values("Set-Cookie"); !c.tls && len(got) != 0 {
				t.Errorf("Set-Cookie: got %q, want none over plain HTTP", got)
			}
		})
	}
}

// TestRedirectHTTPS_BehindProxy_R11 checks that behind a proxy that
// terminates TLS the redirect follows the scheme a trusted proxy forwards,
// and only a trusted proxy's.
func TestRedirectHTTPS_BehindProxy_R11(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("page")) })
	h := forwarded.Proxies{netip.MustParsePrefix("10.0.0.0/8")}.Handler(secheaders.RedirectHTTPS(next))
	cases := []struct {
		name, remote, proto string
		tls                 bool
		wantCode            int
	}{
		{"trusted https over plain HTTP", "10.0.0.5:4000", "https", false, 200},
		{"trusted http over plain HTTP", "10.0.0.5:4000", "http", false, 308},
		{"trusted http over TLS", "10.0.0.5:4000", "http", true, 308},
		{"untrusted https over plain HTTP", "203.0.113.9:4000", "https", false, 308},
		{"untrusted http over TLS", "203.0.113.9:4000", "http", true, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/account", nil)
			r.Host = "example.com"
			r.RemoteAddr = c.remote
			r.Header.Set("X-Forwarded-Proto", c.proto)
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.wantCode {
				t.Errorf("got status %d, want %d", w.Code, c.wantCode)
			}
		})
	}
}

func TestRedirectHTTPS_NilHandlerPanics(t *testing.T) {
	mustPanic(t, func() { secheaders.RedirectHTTPS(nil) })
}

func FuzzRedirectHTTPS(f *testing.F) {
	for _, seed := range [][2]string{
		{"example.com", "/"}, {"example.com:80", "/a?b=c"}, {"[::1]:8080", "//x"},
		{"a/b@evil.example", "/"}, {"evil.example#", "/"}, {"[fe80::1%25eth0]", "/"}, {"", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	h := secheaders.RedirectHTTPS(http.NotFoundHandler())
	f.Fuzz(func(t *testing.T, host, path string) {
		r := &http.Request{Method: "GET", Host: host, URL: &url.URL{Path: path}, Header: http.Header{}}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusPermanentRedirect {
			return
		}
		loc, err := url.Parse(w.Header().Get("Location"))
		if err != nil {
			t.Fatalf("Host %q, path %q: Location %q does not parse: %v", host, path, w.Header().Get("Location"), err)
		}
		want, _, _ := strings.Cut(strings.TrimPrefix(host, "["), "]")
		if h, _, err := net.SplitHostPort(host); err == nil {
			want = h
		}
		if loc.Scheme != "https" || loc.User != nil || !strings.EqualFold(loc.Hostname(), want) {
			t.Fatalf("Host %q, path %q: got Location %q, want https to host %q", host, path, loc, want)
		}
	})
}
