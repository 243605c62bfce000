package admin

import (
	"net/http"
	"strings"
	"testing"
)

// TestNotFound_StyledPage: a path the UI does not serve gets its 404 page,
// in its layout, with its security headers, repeating nothing of the
// request (R4, R47); a served path asked with another method keeps the
// 405 (R43).
func TestNotFound_StyledPage(t *testing.T) {
	e := newEnv(t)
	for name, b := range map[string]*browser{"anonymous": e.browser(), "operator": e.operator()} {
		t.Run(name, func(t *testing.T) {
			resp, body := b.get("/admin/no-such-page?debug=%3Cscript%3E")
			if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("got %d %q, want a 404 HTML page", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			for _, want := range []string{`href="/admin/static/style.css"`, `href="/admin/static/favicon.svg"`, "There is no page at this address."} {
				if !strings.Contains(body, want) {
					t.Errorf("the 404 page lacks %q", want)
				}
			}
			if strings.Contains(body, "no-such-page") || strings.Contains(body, "script") {
				t.Errorf("the 404 page repeats the request: %s", body)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("the 404 page's Content-Security-Policy: %q", csp)
			}
		})
	}
	resp, _ := e.browser().get("/admin/logout")
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET /admin/logout: got %d with Allow %q, want 405 with Allow POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// TestFavicon: the UI's icon is served as an SVG image.
func TestFavicon(t *testing.T) {
	resp, body := newEnv(t).browser().get("/admin/static/favicon.svg")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg") {
		t.Errorf("got %d %q, want 200 image/svg+xml", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
