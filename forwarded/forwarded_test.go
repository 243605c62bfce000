package forwarded_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/sessiond/sessiond/forwarded"
)

// proxies trusts the loopback and a private network of proxies.
var proxies = forwarded.Proxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}

// request is a GET from remote with the given X-Forwarded-For values.
func request(remote string, xff ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://app.example/", nil)
	r.RemoteAddr = remote
	for _, v := range xff {
		r.Header.Add("X-Forwarded-For", v)
	}
	return r
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name    string
		proxies forwarded.Proxies
		remote  string
		xff     []string
		want    string
	}{
		{"no proxies", nil, "127.0.0.1:5000", []string{"198.51.100.7"}, "127.0.0.1"},
		{"untrusted client", proxies, "203.0.113.9:5000", []string{"198.51.100.7"}, "203.0.113.9"},
		{"trusted proxy", proxies, "127.0.0.1:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"trusted proxy, no header", proxies, "127.0.0.1:5000", nil, "127.0.0.1"},
		{"chain of proxies", proxies, "127.0.0.1:5000", []string{"198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"header lines joined", proxies, "127.0.0.1:5000", []string{"198.51.100.7", "10.1.2.3"}, "198.51.100.7"},
		{"client's own hops ignored", proxies, "127.0.0.1:5000", []string{"192.0.2.66, 198.51.100.7"}, "198.51.100.7"},
		{"garbage ends the walk", proxies, "127.0.0.1:5000", []string{"198.51.100.7, junk, 10.1.2.3"}, "10.1.2.3"},
		{"every hop a proxy", proxies, "127.0.0.1:5000", []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
		{"mapped address", proxies, "[::ffff:127.0.0.1]:5000", []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
		{"no port", proxies, "203.0.113.9", []string{"198.51.100.7"}, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.proxies.ClientIP(request(tt.remote, tt.xff...)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHandler_Scheme_R11_R42 checks that the scheme a proxy forwards is
// believed from trusted proxies only, and only when it is one value.
func TestHandler_Scheme_R11_R42(t *testing.T) {
	tests := []struct {
		name      string
		remote    string
		tls       bool
		proto     []string
		wantProto string
		wantHTTPS bool
	}{
		{"plain, no proxy", "203.0.113.9:5000", false, nil, "", false},
		{"TLS, no proxy", "203.0.113.9:5000", true, nil, "", true},
		{"untrusted says https", "203.0.113.9:5000", false, []string{"https"}, "", false},
		{"untrusted says http over TLS", "203.0.113.9:5000", true, []string{"http"}, "", true},
		{"trusted says https", "127.0.0.1:5000", false, []string{"https"}, "https", true},
		{"trusted says HTTPS", "10.9.8.7:5000", false, []string{" HTTPS "}, "https", true},
		{"trusted says http", "127.0.0.1:5000", false, []string{"http"}, "http", false},
		{"trusted says http over TLS", "127.0.0.1:5000", true, []string{"http"}, "http", false},
		{"trusted says nothing", "127.0.0.1:5000", false, nil, "", false},
		{"trusted sends a list", "127.0.0.1:5000", false, []string{"https, http"}, "", false},
		{"trusted sends two lines", "127.0.0.1:5000", false, []string{"https", "https"}, "", false},
		{"trusted sends another scheme", "127.0.0.1:5000", false, []string{"wss"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(tt.remote)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for _, v := range tt.proto {
				r.Header.Add("X-Forwarded-Proto", v)
			}
			var gotProto string
			var gotHTTPS bool
			proxies.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				gotProto, gotHTTPS = forwarded.Proto(r), forwarded.HTTPS(r)
			})).ServeHTTP(httptest.NewRecorder(), r)
			if gotProto != tt.wantProto || gotHTTPS != tt.wantHTTPS {
				t.Errorf("got Proto %q, HTTPS %v; want %q, %v", gotProto, gotHTTPS, tt.wantProto, tt.wantHTTPS)
			}
		})
	}
}

func TestHandler_NilPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Errorf("Handler(nil) did not panic")
		}
	}()
	proxies.Handler(nil)
}

// FuzzClientIP checks that the client's address is the connection's or
// one the header names as an address, whatever the header holds.
func FuzzClientIP(f *testing.F) {
	for _, s := range []string{"198.51.100.7", "198.51.100.7, 10.0.0.1", "junk", ",,", "::ffff:1.2.3.4", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, xff string) {
		got := proxies.ClientIP(request("127.0.0.1:5000", xff))
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("ClientIP with X-Forwarded-For %q = %q, not an address", xff, got)
		}
	})
}

func TestTrusted(t *testing.T) {
	tests := []struct {
		name    string
		proxies forwarded.Proxies
		remote  string
		want    bool
	}{
		{"no proxies", nil, "127.0.0.1:5000", false},
		{"trusted", proxies, "10.1.2.3:5000", true},
		{"mapped trusted", proxies, "[::ffff:127.0.0.1]:5000", true},
		{"untrusted", proxies, "203.0.113.9:5000", false},
		{"no port", proxies, "127.0.0.1", true},
		{"garbage", proxies, "junk", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// X-Forwarded-For names a trusted hop: it must not count.
			if got := tt.proxies.Trusted(request(tt.remote, "10.0.0.1")); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
