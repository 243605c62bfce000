package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every response is uncacheable and carries the security headers (R12,
// R46, R47); the page headers go on pages, not on the stylesheet.
func TestHeaders_R46_R47(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	anon := e.browser()
	check := func(name string, resp *http.Response) {
		t.Helper()
		h := resp.Header
		for _, tc := range []struct{ header, want string }{
			{"Cache-Control", "no-store"},
			{"X-Content-Type-Options", "nosniff"},
			{"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
			{"Referrer-Policy", "strict-origin-when-cross-origin"},
			{"Cross-Origin-Opener-Policy", "same-origin"},
			{"Content-Security-Policy", contentSecurityPolicy},
			{"X-Frame-Options", "DENY"},
		} {
			page := tc.header != "Cache-Control" && tc.header != "X-Content-Type-Options" && tc.header != "Strict-Transport-Security"
			if page && name == "stylesheet" {
				continue
			}
			if got := h.Get(tc.header); got != tc.want {
				t.Errorf("%s: %s: got %q, want %q", name, tc.header, got, tc.want)
			}
		}
		if h.Get("Server") != "" {
			t.Errorf("%s: a Server header", name)
		}
	}
	r1, _ := anon.get("/admin/login")
	check("login page", r1)
	r2, _ := anon.get("/admin/")
	check("redirect", r2)
	r3, _ := b.get("/admin/?user_id=x")
	check("sessions page", r3)
	r4, _ := b.get("/admin/audit")
	check("audit page", r4)
	r5, _ := b.post("/admin/sessions/revoke", url.Values{"session_id": {"x"}})
	check("action", r5)
	r6, _ := b.post("/admin/sessions/revoke", url.Values{"csrf_token": {"forged"}})
	check("refusal", r6)
	r7, _ := anon.get("/admin/static/style.css")
	check("stylesheet", r7)
}

func TestStylesheet(t *testing.T) {
	e := newEnv(t)
	resp, body := e.browser().get("/admin/static/style.css")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, ".topbar") {
		t.Errorf("got %d %q, want 200 text/css", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := e.browser().get("/admin/static/missing.css"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a missing file: got %d, want 404", resp.StatusCode)
	}
}

func TestNew_Refused(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no manager", Config{Operators: e.ops}},
		{"no operators", Config{Manager: e.app}},
		{"short CSRF key", Config{Manager: e.app, Operators: e.ops, CSRFKey: []byte("short")}},
		{"bad trusted origin", Config{Manager: e.app, Operators: e.ops, TrustedOrigins: []string{"null"}}},
		{"bad idle timeout", Config{Manager: e.app, Operators: e.ops, IdleTimeout: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if ui, err := New(tc.cfg); err == nil {
				ui.Close()
				t.Error("got nil error")
			}
		})
	}
}
