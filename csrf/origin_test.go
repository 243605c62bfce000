package csrf_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/forwarded"
)

// originRequest is a request of session "s1" with a valid token in the
// header and the given Sec-Fetch-Site and Origin ("" for absent).
func originRequest(t *testing.T, p *csrf.Protection, method, sfs, origin string) *http.Request {
	tok, _ := issue(t, p, "s1")
	r := withSession(httptest.NewRequest(method, site+"/", nil), "s1")
	r.Header.Set(csrf.DefaultHeaderName, tok)
	if sfs != "" {
		r.Header.Set("Sec-Fetch-Site", sfs)
	}
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	return r
}

func TestCheck_OriginMatrix_R42(t *testing.T) {
	p := newProtection(newClock(), nil)
	origins := []struct{ name, value string }{
		{"absent", ""}, {"null", "null"}, {"foreign", "https://evil.example"}, {"same", site},
	}
	// want[Sec-Fetch-Site][i] is the result for origins[i] on an unsafe
	// method; safe methods always pass.
	cross := [4]error{csrf.ErrCrossOrigin, csrf.ErrNullOrigin, csrf.ErrCrossOrigin, csrf.ErrCrossOrigin}
	want := map[string][4]error{
		"":            {csrf.ErrNoOrigin, csrf.ErrNullOrigin, csrf.ErrCrossOrigin, nil},
		"same-origin": {nil, csrf.ErrNullOrigin, csrf.ErrCrossOrigin, nil},
		"none":        {nil, csrf.ErrNullOrigin, csrf.ErrCrossOrigin, nil},
		"same-site":   cross,
		"cross-site":  cross,
		"bogus":       cross,
	}
	methods := []string{"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"}
	for sfs, row := range want {
		for i, o := range origins {
			for _, m := range methods {
				name := m + "/sfs=" + sfs + "/origin=" + o.name
				t.Run(name, func(t *testing.T) {
					wantErr := row[i]
					if m == "GET" || m == "HEAD" || m == "OPTIONS" {
						wantErr = nil
					}
					err := p.Check(originRequest(t, p, m, sfs, o.value))
					if !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
						t.Fatalf("Check: got %s, want %s", errString(err), errString(wantErr))
					}
					w := httptest.NewRecorder()
					p.Handler(ok).ServeHTTP(w, originRequest(t, p, m, sfs, o.value))
					wantCode := http.StatusOK
					if wantErr != nil {
						wantCode = http.StatusForbidden
					}
					if w.Code != wantCode {
						t.Fatalf("Handler: got status %d, want %d", w.Code, wantCode)
					}
				})
			}
		}
	}
}

func TestCheck_EveryUnsafeMethod_R42(t *testing.T) {
	p := newProtection(newClock(), nil)
	tests := []struct {
		method string
		want   error
	}{
		{"GET", nil}, {"HEAD", nil}, {"OPTIONS", nil},
		{"POST", csrf.ErrNoOrigin}, {"PUT", csrf.ErrNoOrigin}, {"PATCH", csrf.ErrNoOrigin},
		{"DELETE", csrf.ErrNoOrigin}, {"TRACE", csrf.ErrNoOrigin}, {"PROPFIND", csrf.ErrNoOrigin},
		{"get", csrf.ErrNoOrigin}, // methods are case-sensitive: not the safe GET
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, site+"/", nil)
			if err := p.Check(r); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %s, want %s", errString(err), errString(tt.want))
			}
		})
	}
}

// A WebSocket handshake is a GET, but it opens a channel with the user's
// cookies: its origin is checked like an unsafe request's, and no token is
// asked for, since a browser can add none (cross-site WebSocket hijacking,
// R42).
func TestCheck_UpgradeOrigin_R42(t *testing.T) {
	p := newProtection(newClock(), nil)
	tests := []struct {
		name, sfs, origin string
		want              error
	}{
		{"same origin", "same-origin", site, nil},
		{"same origin, Origin only", "", site, nil},
		{"another site", "cross-site", "https://evil.example", csrf.ErrCrossOrigin},
		{"another site, Origin only", "", "https://evil.example", csrf.ErrCrossOrigin},
		{"a sibling subdomain", "same-site", "https://sub.example.test", csrf.ErrCrossOrigin},
		{"Origin null", "", "null", csrf.ErrNullOrigin},
		{"no origin at all", "", "", csrf.ErrNoOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := withSession(httptest.NewRequest("GET", site+"/ws", nil), "s1")
			r.Header.Set("Connection", "Upgrade")
			r.Header.Set("Upgrade", "websocket")
			if tt.sfs != "" {
				r.Header.Set("Sec-Fetch-Site", tt.sfs)
			}
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if err := p.Check(r); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %s, want %s", errString(err), errString(tt.want))
			}
		})
	}
	// A plain GET from another site is still no concern of CSRF's.
	r := httptest.NewRequest("GET", site+"/ws", nil)
	r.Header.Set("Origin", "https://evil.example")
	if err := p.Check(r); err != nil {
		t.Errorf("plain cross-site GET: got %s, want nil", errString(err))
	}
}

func TestCheck_ForeignOrigins_R42(t *testing.T) {
	p := newProtection(newClock(), nil)
	origins := []string{
		"https://evil.example",
		"https://app.example.evil.example",
		"https://evil.app.example",
		"https://app.example:8443",
		"https://app.example/",
		"https://app.example/path",
		"https://app.example?x",
		"https://app.example#",
		"https://user@app.example",
		"ftp://app.example",
		"app.example",
		"//app.example",
		"https://",
		"NULL",
		" https://app.example",
	}
	for _, origin := range origins {
		t.Run(origin, func(t *testing.T) {
			for _, sfs := range []string{"", "same-origin", "none"} {
				err := p.Check(originRequest(t, p, "POST", sfs, origin))
				if !errors.Is(err, csrf.ErrCrossOrigin) {
					t.Errorf("Sec-Fetch-Site %q: got %s, want %v", sfs, errString(err), csrf.ErrCrossOrigin)
				}
			}
		})
	}
}

func TestCheck_EmptyHost_R42(t *testing.T) {
	p := newProtection(newClock(), nil)
	for _, origin := range []string{"https://", "http://"} {
		r := originRequest(t, p, "POST", "", origin)
		r.Host = ""
		if err := p.Check(r); !errors.Is(err, csrf.ErrCrossOrigin) {
			t.Errorf("Origin %q, no Host: got %s, want %v", origin, errString(err), csrf.ErrCrossOrigin)
		}
	}
}

func TestCheck_SchemeOverTLS_R42(t *testing.T) {
	p := newProtection(newClock(), nil)
	tests := []struct {
		origin string
		tls    bool
		want   error
	}{
		{"https://app.example", true, nil},
		{"http://app.example", true, csrf.ErrCrossOrigin}, // a plain-HTTP page posting to the TLS site
		{"https://app.example", false, nil},               // TLS ended at a proxy
		{"http://app.example", false, nil},                // scheme unknown without TLS (see TestCheck_SchemeBehindProxy_R42); HSTS covers it
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			r := originRequest(t, p, "POST", "", tt.origin)
			r.TLS = nil
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if err := p.Check(r); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %s, want %s", errString(err), errString(tt.want))
			}
		})
	}
}

// TestCheck_SchemeBehindProxy_R42 checks that behind a proxy that
// terminates TLS, an http:// Origin is refused when a trusted proxy says
// the client came over https, and that the same header from anyone else
// changes nothing.
func TestCheck_SchemeBehindProxy_R42(t *testing.T) {
	p := newProtection(newClock(), nil)
	h := forwarded.Proxies{netip.MustParsePrefix("10.0.0.0/8")}.Handler(p.Handler(ok))
	tests := []struct {
		name, remote, proto, origin string
		want                        int
	}{
		{"trusted https, https page", "10.0.0.5:4000", "https", "https://app.example", http.StatusOK},
		{"trusted https, plain-HTTP page", "10.0.0.5:4000", "https", "http://app.example", http.StatusForbidden},
		{"trusted http, plain-HTTP page", "10.0.0.5:4000", "http", "http://app.example", http.StatusOK},
		{"untrusted https, plain-HTTP page", "203.0.113.9:4000", "https", "http://app.example", http.StatusOK},
		{"untrusted https, https page", "203.0.113.9:4000", "https", "https://app.example", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := originRequest(t, p, "POST", "", tt.origin)
			r.TLS = nil // the proxy ended TLS
			r.RemoteAddr = tt.remote
			r.Header.Set("X-Forwarded-Proto", tt.proto)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("got status %d, want %d", w.Code, tt.want)
			}
		})
	}
}

func TestCheck_DuplicateHeaders_R42(t *testing.T) {
	p := newProtection(newClock(), nil)
	for _, h := range []string{"Origin", "Sec-Fetch-Site"} {
		t.Run(h, func(t *testing.T) {
			r := originRequest(t, p, "POST", "same-origin", site)
			r.Header.Add(h, r.Header.Get(h))
			if err := p.Check(r); !errors.Is(err, csrf.ErrCrossOrigin) {
				t.Fatalf("got %s, want %v", errString(err), csrf.ErrCrossOrigin)
			}
		})
	}
}

func TestCheck_TrustedOrigins_R45(t *testing.T) {
	p := newProtection(newClock(), func(c *csrf.Config) {
		c.TrustedOrigins = []string{"https://accounts.example", "http://localhost:8080"}
	})
	tests := []struct {
		sfs, origin string
		want        error
	}{
		{"cross-site", "https://accounts.example", nil},
		{"same-site", "https://accounts.example", nil},
		{"", "https://accounts.example", nil},
		{"cross-site", "http://localhost:8080", nil},
		{"cross-site", "http://accounts.example", csrf.ErrCrossOrigin},
		{"cross-site", "https://accounts.example:443", csrf.ErrCrossOrigin},
		{"cross-site", "https://accounts.example.evil.example", csrf.ErrCrossOrigin},
		{"cross-site", "https://evil.example", csrf.ErrCrossOrigin},
		{"cross-site", "null", csrf.ErrNullOrigin},
		{"cross-site", "", csrf.ErrCrossOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.sfs+"/"+tt.origin, func(t *testing.T) {
			err := p.Check(originRequest(t, p, "POST", tt.sfs, tt.origin))
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %s, want %s", errString(err), errString(tt.want))
			}
		})
	}
}

func TestCheck_InsecureBypassPatterns(t *testing.T) {
	p := newProtection(newClock(), func(c *csrf.Config) {
		c.InsecureBypassPatterns = []string{"POST /callback", "/hooks/{name}"}
	})
	tests := []struct {
		method, path string
		want         error
	}{
		{"POST", "/callback", nil},
		{"PUT", "/callback", csrf.ErrCrossOrigin},
		{"POST", "/callback/", csrf.ErrCrossOrigin},
		{"POST", "/hooks/build", nil},
		{"POST", "/hooks", csrf.ErrCrossOrigin},
		{"POST", "/hooks/../callback", csrf.ErrCrossOrigin}, // would be redirected, not matched
		{"POST", "/account", csrf.ErrCrossOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, site+"/", nil)
			r.URL.Path = tt.path
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			r.Header.Set("Origin", "https://idp.example")
			if err := p.Check(r); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %s, want %s", errString(err), errString(tt.want))
			}
		})
	}
}

// TestCheckOrigin_R42 checks the origin rules without a token, on a
// request built from what a proxy forwards: the host it names, not the
// connection's.
func TestCheckOrigin_R42(t *testing.T) {
	tests := []struct {
		name, method, host, sfs, origin, upgrade string
		want                                     error
	}{
		{"safe from anywhere", "GET", "app.example", "cross-site", "https://evil.example", "", nil},
		{"same origin POST", "POST", "app.example", "same-origin", "https://app.example", "", nil},
		{"same origin by Origin alone", "DELETE", "app.example", "", "https://app.example", "", nil},
		{"cross-site POST", "POST", "app.example", "cross-site", "https://evil.example", "", csrf.ErrCrossOrigin},
		{"same-site POST", "POST", "app.example", "same-site", "https://sub.app.example", "", csrf.ErrCrossOrigin},
		{"foreign Origin", "PUT", "app.example", "", "https://evil.example", "", csrf.ErrCrossOrigin},
		{"Origin of another host", "POST", "other.example", "", "https://app.example", "", csrf.ErrCrossOrigin},
		{"null Origin", "POST", "app.example", "", "null", "", csrf.ErrNullOrigin},
		{"neither header", "POST", "app.example", "", "", "", csrf.ErrNoOrigin},
		{"lower-case method is unsafe", "post", "app.example", "cross-site", "https://evil.example", "", csrf.ErrCrossOrigin},
		{"cross-site upgrade", "GET", "app.example", "cross-site", "https://evil.example", "websocket", csrf.ErrCrossOrigin},
		{"same-origin upgrade", "GET", "app.example", "same-origin", "https://app.example", "websocket", nil},
		{"http Origin over https", "POST", "app.example", "", "http://app.example", "", csrf.ErrCrossOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "https://sessiond.internal/v1/forward-auth", nil)
			r.Method, r.Host = tt.method, tt.host
			for k, v := range map[string]string{"Sec-Fetch-Site": tt.sfs, "Origin": tt.origin, "Upgrade": tt.upgrade} {
				if v != "" {
					r.Header.Set(k, v)
				}
			}
			if err := csrf.CheckOrigin(r); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
