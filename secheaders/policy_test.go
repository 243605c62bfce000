package secheaders_test

import (
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/secheaders"
)

func TestHandler_HeadersOnEveryResponse_R12_R47(t *testing.T) {
	cases := []struct {
		name     string
		handler  http.HandlerFunc
		wantCode int
	}{
		{"page", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<p>hello</p>"))
		}, 200},
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, 200},
		{"status only", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }, 204},
		{"not found", http.NotFound, 404},
		{"error", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "internal error", http.StatusInternalServerError)
		}, 500},
		{"handler wipes its headers", func(w http.ResponseWriter, _ *http.Request) {
			maps.DeleteFunc(w.Header(), func(string, []string) bool { return true })
			w.WriteHeader(http.StatusServiceUnavailable)
		}, 503},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
		}, 303},
		{"plain text", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("ok"))
		}, 200},
		{"svg", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write([]byte("<svg/>"))
		}, 200},
		{"flushed", func(w http.ResponseWriter, _ *http.Request) {
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("Flush: %v", err)
			}
		}, 200},
	}
	h := secheaders.New(secheaders.Config{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := serve(h.Handler(c.handler), "GET", "/")
			if res.StatusCode != c.wantCode {
				t.Errorf("status: got %d, want %d", res.StatusCode, c.wantCode)
			}
			checkHeaders(t, res, wantDefault)
		})
	}
}

func TestHandler_HSTS_R12(t *testing.T) {
	const year = 365 * 24 * time.Hour
	cases := []struct {
		name string
		cfg  secheaders.Config
		want string
	}{
		{"default", secheaders.Config{}, "max-age=31536000; includeSubDomains"},
		{"two years", secheaders.Config{HSTSMaxAge: 2 * year}, "max-age=63072000; includeSubDomains"},
		{"preload", secheaders.Config{HSTSPreload: true}, "max-age=31536000; includeSubDomains; preload"},
		{"fractions of a second dropped", secheaders.Config{HSTSMaxAge: year + time.Second/2}, "max-age=31536000; includeSubDomains"},
		{"insecure short", secheaders.Config{HSTSMaxAge: 5 * time.Minute, InsecureShortHSTS: true}, "max-age=300; includeSubDomains"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := serve(secheaders.New(c.cfg).Handler(http.NotFoundHandler()), "GET", "/")
			checkHeaders(t, res, map[string]string{"Strict-Transport-Security": c.want})
		})
	}
}

func TestHandler_HandlerValues_R12_R47(t *testing.T) {
	const nonceCSP = "default-src 'self'; script-src 'nonce-abc'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
	h := secheaders.New(secheaders.Config{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=0")
		w.Header().Set("X-Content-Type-Options", "sniff-away")
		w.Header().Set("Content-Security-Policy", nonceCSP)
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Write([]byte("ok"))
	}))
	want := maps.Clone(wantDefault)
	want["Content-Security-Policy"] = nonceCSP // the handler's own wins
	want["Referrer-Policy"] = "no-referrer"
	checkHeaders(t, serve(h, "GET", "/"), want)
}

func TestHandler_FrameOptionsFollowsFrameAncestors_R47(t *testing.T) {
	cases := []struct{ ancestors, want string }{
		{"'none'", "DENY"},
		{"'self'", "SAMEORIGIN"},
		{"'SELF'", "SAMEORIGIN"},
		{"https://admin.example", ""},
		{"'self' https://admin.example", ""},
	}
	for _, c := range cases {
		t.Run(c.ancestors, func(t *testing.T) {
			csp := "object-src 'none'; base-uri 'self'; frame-ancestors " + c.ancestors
			res := serve(secheaders.New(secheaders.Config{ContentSecurityPolicy: csp}).Handler(http.NotFoundHandler()), "GET", "/")
			if got := res.Header.Get("X-Frame-Options"); got != c.want {
				t.Errorf("X-Frame-Options: got %q, want %q", got, c.want)
			}
			if got := res.Header.Get("Content-Security-Policy"); got != csp {
				t.Errorf("Content-Security-Policy: got %q, want %q", got, csp)
			}
		})
	}
}

func TestHandler_RefusesTrace_R48(t *testing.T) {
	cases := []struct {
		method   string
		wantCode int
		wantNext bool
	}{
		{"TRACE", 405, false},
		{"TRACK", 405, false},
		{"trace", 405, false},
		{"GET", 200, true},
		{"POST", 200, true},
		{"OPTIONS", 200, true},
	}
	for _, c := range cases {
		t.Run(c.method, func(t *testing.T) {
			called := false
			h := secheaders.New(secheaders.Config{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
			}))
			res := serve(h, c.method, "/")
			if res.StatusCode != c.wantCode || called != c.wantNext {
				t.Errorf("got status %d, next called %v; want %d, %v", res.StatusCode, called, c.wantCode, c.wantNext)
			}
			checkHeaders(t, res, wantDefault)
		})
	}
}

func TestHandler_NoServerHeader_R48(t *testing.T) {
	setServer := func(w http.ResponseWriter) { w.Header().Set("Server", "sessiond/1.0 (go1.26)") }
	cases := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"write", func(w http.ResponseWriter, _ *http.Request) { setServer(w); w.Write([]byte("x")) }},
		{"write header", func(w http.ResponseWriter, _ *http.Request) { setServer(w); w.WriteHeader(404) }},
		{"nothing written", func(w http.ResponseWriter, _ *http.Request) { setServer(w) }},
		{"error", func(w http.ResponseWriter, _ *http.Request) { setServer(w); http.Error(w, "no", 500) }},
		{"flush", func(w http.ResponseWriter, _ *http.Request) {
			setServer(w)
			http.NewResponseController(w).Flush()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := serve(secheaders.New(secheaders.Config{}).Handler(c.handler), "GET", "/")
			if got := res.Header.Values("Server"); len(got) != 0 {
				t.Errorf("Server: got %q, want none", got)
			}
		})
	}
}

func TestHandler_NilHandlerPanics(t *testing.T) {
	msg := mustPanic(t, func() { secheaders.New(secheaders.Config{}).Handler(nil) })
	if s, _ := msg.(string); !strings.HasPrefix(s, "secheaders: ") {
		t.Errorf("panic: got %v, want a secheaders: message", msg)
	}
}

// Responses a browser never shows as a page of the site (JSON, styles,
// scripts, raster images, fonts) get the transport headers, HSTS and
// nosniff, and none of the page headers, which would only cost bytes.
func TestHandler_NonDocumentsGetTransportHeadersOnly_R12_R47(t *testing.T) {
	for _, ct := range []string{"application/json", "application/problem+json; charset=utf-8", "text/css", "image/png", "font/woff2"} {
		t.Run(ct, func(t *testing.T) {
			h := secheaders.New(secheaders.Config{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", ct)
				w.Write([]byte("x"))
			}))
			res := serve(h, "GET", "/")
			checkHeaders(t, res, map[string]string{
				"Strict-Transport-Security": wantDefault["Strict-Transport-Security"],
				"X-Content-Type-Options":    "nosniff",
			})
			for _, name := range []string{"Content-Security-Policy", "Referrer-Policy", "Cross-Origin-Opener-Policy", "X-Frame-Options", "Permissions-Policy"} {
				if v := res.Header.Values(name); len(v) != 0 {
					t.Errorf("%s: got %q on a %s answer, want none", name, v, ct)
				}
			}
		})
	}
}
