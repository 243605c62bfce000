package secheaders_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/secheaders"
)

func TestNew_RefusesWeakConfig_R12_R47(t *testing.T) {
	const rest = "; base-uri 'none'; frame-ancestors 'none'"
	cases := []struct {
		name string
		cfg  secheaders.Config
	}{
		{"HSTS under a year", secheaders.Config{HSTSMaxAge: 30 * 24 * time.Hour}},
		{"HSTS negative", secheaders.Config{HSTSMaxAge: -time.Hour}},
		{"HSTS under a second even if insecure", secheaders.Config{HSTSMaxAge: time.Millisecond, InsecureShortHSTS: true}},
		{"preload with short HSTS", secheaders.Config{HSTSMaxAge: time.Hour, InsecureShortHSTS: true, HSTSPreload: true}},
		{"no object-src", secheaders.Config{ContentSecurityPolicy: "default-src 'self'" + rest}},
		{"object-src self", secheaders.Config{ContentSecurityPolicy: "object-src 'self'" + rest}},
		{"object-src none and more", secheaders.Config{ContentSecurityPolicy: "object-src 'none' https://cdn.example" + rest}},
		{"object-src repeated, first loose", secheaders.Config{ContentSecurityPolicy: "object-src *; object-src 'none'" + rest}},
		{"no base-uri", secheaders.Config{ContentSecurityPolicy: "object-src 'none'; frame-ancestors 'none'"}},
		{"empty base-uri", secheaders.Config{ContentSecurityPolicy: "object-src 'none'; base-uri; frame-ancestors 'none'"}},
		{"base-uri star", secheaders.Config{ContentSecurityPolicy: "object-src 'none'; base-uri *; frame-ancestors 'none'"}},
		{"no frame-ancestors", secheaders.Config{ContentSecurityPolicy: "object-src 'none'; base-uri 'none'"}},
		{"frame-ancestors scheme", secheaders.Config{ContentSecurityPolicy: "object-src 'none'; base-uri 'none'; frame-ancestors https:"}},
		{"header injection even if insecure", secheaders.Config{
			ContentSecurityPolicy: "object-src 'none'\r\nSet-Cookie: a=b", InsecureContentSecurityPolicy: true,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := mustPanic(t, func() { secheaders.New(c.cfg) })
			if s, ok := msg.(string); msg != nil && (!ok || !strings.HasPrefix(s, "secheaders: ")) {
				t.Errorf("panic: got %v, want a message starting with %q", msg, "secheaders: ")
			}
		})
	}
}

func TestNew_AcceptsStrictConfig_R12_R47(t *testing.T) {
	cases := []struct {
		name string
		cfg  secheaders.Config
	}{
		{"zero", secheaders.Config{}},
		{"long HSTS with preload", secheaders.Config{HSTSMaxAge: 2 * 365 * 24 * time.Hour, HSTSPreload: true}},
		{"short HSTS, insecure", secheaders.Config{HSTSMaxAge: time.Hour, InsecureShortHSTS: true}},
		{"self base and frames", secheaders.Config{ContentSecurityPolicy: "OBJECT-SRC 'NONE'; base-uri 'self'; frame-ancestors 'self' https://*.example.com"}},
		{"loose, insecure", secheaders.Config{ContentSecurityPolicy: "default-src *", InsecureContentSecurityPolicy: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if msg := recover(); msg != nil {
					t.Errorf("got panic %v, want none", msg)
				}
			}()
			secheaders.New(c.cfg)
		})
	}
}
