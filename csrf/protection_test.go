package csrf_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

func TestNew_KeyAcrossReplicas(t *testing.T) {
	a := newProtection(newClock(), nil)
	b := newProtection(newClock(), nil)
	tok, _ := issue(t, a, "s1")
	if err := b.Check(withSession(postToken(tok), "s1")); err != nil {
		t.Errorf("replica with the same key: got %s, want <nil>", errString(err))
	}
	c := csrf.New(csrf.Config{SessionID: sessionID})
	d := csrf.New(csrf.Config{SessionID: sessionID})
	tok, _ = issue(t, c, "s1")
	if err := c.Check(withSession(postToken(tok), "s1")); err != nil {
		t.Errorf("random key, same process: got %s, want <nil>", errString(err))
	}
	if err := d.Check(withSession(postToken(tok), "s1")); !errors.Is(err, csrf.ErrBadToken) {
		t.Errorf("random key, other replica: got %s, want %v", errString(err), csrf.ErrBadToken)
	}
}

func TestHandler_Deny_R41(t *testing.T) {
	p := newProtection(newClock(), nil)
	w := httptest.NewRecorder()
	p.Handler(ok).ServeHTTP(w, withSession(postToken("forged"), "s1"))
	res := w.Result()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("status: got %d, want %d", res.StatusCode, http.StatusForbidden)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control: got %q, want %q", got, "no-store")
	}
	if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/plain") {
		t.Errorf("Content-Type: got %q, want text/plain", got)
	}
	if got := strings.TrimSpace(string(body)); got != "forbidden" {
		t.Errorf("body: got %q, want %q (generic, no cause, no echo)", got, "forbidden")
	}
}

func TestHandler_DenyHandler(t *testing.T) {
	var reason error
	p := newProtection(newClock(), func(c *csrf.Config) {
		c.DenyHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reason = csrf.DenyReason(r)
			w.WriteHeader(http.StatusTeapot)
		})
	})
	w := httptest.NewRecorder()
	p.Handler(ok).ServeHTTP(w, withSession(postToken(""), "s1"))
	if w.Code != http.StatusTeapot {
		t.Errorf("status: got %d, want %d", w.Code, http.StatusTeapot)
	}
	if !errors.Is(reason, csrf.ErrMissingToken) {
		t.Errorf("DenyReason: got %s, want %v", errString(reason), csrf.ErrMissingToken)
	}
	if got := csrf.DenyReason(get("/")); got != nil {
		t.Errorf("DenyReason outside a deny handler: got %v, want <nil>", got)
	}
}

func TestRequireJSON_R44(t *testing.T) {
	tests := []struct {
		method      string
		contentType []string
		want        int
	}{
		{"POST", []string{"application/json"}, http.StatusOK},
		{"POST", []string{"application/json; charset=utf-8"}, http.StatusOK},
		{"POST", []string{"Application/JSON"}, http.StatusOK},
		{"PUT", []string{"application/json"}, http.StatusOK},
		{"GET", nil, http.StatusOK},
		{"HEAD", []string{"text/plain"}, http.StatusOK},
		{"OPTIONS", nil, http.StatusOK},
		{"POST", []string{"text/plain"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"text/plain; charset=utf-8"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"multipart/form-data; boundary=x"}, http.StatusUnsupportedMediaType},
		{"POST", nil, http.StatusUnsupportedMediaType},
		{"POST", []string{""}, http.StatusUnsupportedMediaType},
		{"POST", []string{"application/jsonx"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"application/json, text/plain"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"text/plain", "application/json"}, http.StatusUnsupportedMediaType},
		{"POST", []string{"application/json", "text/plain"}, http.StatusUnsupportedMediaType},
		{"DELETE", nil, http.StatusUnsupportedMediaType},
		{"PATCH", []string{"application/merge-patch+json"}, http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.method+"/"+strings.Join(tt.contentType, "|"), func(t *testing.T) {
			r := httptest.NewRequest(tt.method, site+"/api", strings.NewReader(`{}`))
			r.Header["Content-Type"] = tt.contentType
			w := httptest.NewRecorder()
			csrf.RequireJSON(ok).ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("status: got %d, want %d", w.Code, tt.want)
			}
			err := csrf.CheckJSON(r)
			if (err == nil) != (tt.want == http.StatusOK) || err != nil && !errors.Is(err, csrf.ErrContentType) {
				t.Fatalf("CheckJSON: got %s, want %v", errString(err), tt.want == http.StatusOK)
			}
			if tt.want != http.StatusOK && w.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("Cache-Control: got %q, want no-store", w.Header().Get("Cache-Control"))
			}
		})
	}
}
