package csrf_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/csrf"
)

func TestNew_Panics(t *testing.T) {
	tests := []struct {
		name string
		edit func(*csrf.Config)
	}{
		{"short key", func(c *csrf.Config) { c.Key = make([]byte, 31) }},
		{"empty key", func(c *csrf.Config) { c.Key = []byte{} }},
		{"no SessionID", func(c *csrf.Config) { c.SessionID = nil }},
		{"null origin", func(c *csrf.Config) { c.TrustedOrigins = []string{"null"} }},
		{"wildcard origin", func(c *csrf.Config) { c.TrustedOrigins = []string{"*"} }},
		{"wildcard host", func(c *csrf.Config) { c.TrustedOrigins = []string{"https://*.example"} }},
		{"origin with path", func(c *csrf.Config) { c.TrustedOrigins = []string{"https://a.example/"} }},
		{"origin in upper case", func(c *csrf.Config) { c.TrustedOrigins = []string{"https://A.example"} }},
		{"origin with default port", func(c *csrf.Config) { c.TrustedOrigins = []string{"https://a.example:443"} }},
		{"origin with user", func(c *csrf.Config) { c.TrustedOrigins = []string{"https://u@a.example"} }},
		{"origin without scheme", func(c *csrf.Config) { c.TrustedOrigins = []string{"a.example"} }},
		{"origin with other scheme", func(c *csrf.Config) { c.TrustedOrigins = []string{"ftp://a.example"} }},
		{"bad bypass pattern", func(c *csrf.Config) { c.InsecureBypassPatterns = []string{"POST /{"} }},
		{"duplicate bypass pattern", func(c *csrf.Config) { c.InsecureBypassPatterns = []string{"/a", "/a"} }},
		{"short pre-session", func(c *csrf.Config) { c.PreSessionTTL = 30 * time.Second }},
		{"negative pre-session", func(c *csrf.Config) { c.PreSessionTTL = -time.Hour }},
		{"negative MaxFormBytes", func(c *csrf.Config) { c.MaxFormBytes = -1 }},
		{"bad header name", func(c *csrf.Config) { c.HeaderName = "X CSRF" }},
		{"cookie header", func(c *csrf.Config) { c.HeaderName = "cookie" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, "csrf: ") {
					t.Fatalf("panic: got %q, want a message starting %q", msg, "csrf: ")
				}
			}()
			newProtection(newClock(), tt.edit)
		})
	}
}

func TestNew_Accepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(*csrf.Config)
	}{
		{"zero but SessionID", func(c *csrf.Config) { *c = csrf.Config{SessionID: c.SessionID} }},
		{"long key", func(c *csrf.Config) { c.Key = make([]byte, 64) }},
		{"trusted origins", func(c *csrf.Config) {
			c.TrustedOrigins = []string{"https://a.example", "http://localhost:8080", "https://[::1]:8443"}
		}},
		{"bypass patterns", func(c *csrf.Config) { c.InsecureBypassPatterns = []string{"POST /callback", "/hooks/"} }},
		{"one-minute pre-session", func(c *csrf.Config) { c.PreSessionTTL = time.Minute }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if err := recover(); err != nil {
					t.Fatalf("got panic %v, want none", err)
				}
			}()
			newProtection(newClock(), tt.edit)
		})
	}
}

func TestNew_KeyCopied(t *testing.T) {
	key := []byte(strings.Repeat("q", 32))
	p := csrf.New(csrf.Config{Key: key, SessionID: sessionID})
	tok, _ := issue(t, p, "s1")
	for i := range key {
		key[i] = 0
	}
	if err := p.Check(withSession(postToken(tok), "s1")); err != nil {
		t.Fatalf("after the caller reused its key slice: got %s, want <nil>", errString(err))
	}
}
