package forwardauth

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

var testOrigins = Origins{"https://app.example", "https://docs.example:8443", "https://xn--bcher-kva.example"}

func TestParseOrigins(t *testing.T) {
	got, err := ParseOrigins(" https://app.example, ,http://127.0.0.1:8080,https://[::1]:8443")
	if want := (Origins{"https://app.example", "http://127.0.0.1:8080", "https://[::1]:8443"}); err != nil || !slices.Equal(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{
		"app.example", "https://app.example/", "https://APP.example", "https://app.example:443", "http://app.example:80",
		"ftp://app.example", "https://user@app.example", "https://*.example", "https://bücher.example", "https:app.example",
		"https://app.example?x", "https://app.example#x", "//app.example",
	} {
		if o, err := ParseOrigins(bad); err == nil {
			t.Errorf("ParseOrigins(%q): got %q, want an error", bad, o)
		}
	}
}

// TestReturnURL_NoOpenRedirect_R8 tries to leave the allow list by every
// trick a return URL is known for; each must be refused.
func TestReturnURL_NoOpenRedirect_R8(t *testing.T) {
	good := []struct{ in, want string }{
		{"https://app.example/", "https://app.example/"},
		{"https://app.example/a/b?c=d&e=%2F", "https://app.example/a/b?c=d&e=%2F"},
		{"HTTPS://APP.EXAMPLE/Page", "https://app.example/Page"},
		{"https://docs.example:8443/x", "https://docs.example:8443/x"},
		{"https://app.example/%2F%2Fevil.example", "https://app.example/%2F%2Fevil.example"},
		{"https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"},
	}
	for _, tt := range good {
		if got, ok := testOrigins.ReturnURL(tt.in); !ok || got != tt.want {
			t.Errorf("ReturnURL(%q): got %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	bad := []string{
		"", "/", "/path", "//evil.example", "//evil.example/path", "/\\evil.example", "\\\\evil.example",
		"https:evil.example", "https:/evil.example", "https:///evil.example", "%2F%2Fevil.example", "/%2F%2Fevil.example",
		"https://evil.example/", "https://app.example.evil.example/", "https://evil.example/https://app.example/",
		"https://app.example@evil.example/", "https://evil.example@app.example/", "https://app.example:pw@app.example/",
		"https://app.example%40evil.example/", "https://app.example%2F@evil.example/",
		"http://app.example/", "https://app.example:443/", "https://app.example:8443/", "https://app.example:/",
		"https://docs.example/", "https://app.example//evil.example", "https://app.example/\\evil.example",
		"https://app.example\\@evil.example/", "https://app.example/\tx", "https://app.example/\nx", "https://app.example/\rx",
		"\thttps://app.example/", "https://app.example/ x", "java\nscript:alert(1)", "javascript:alert(1)",
		"data:text/html,x", "https://bücher.example/", "https://аpp.example/", "https://app.example/ä",
		"https://app.example/#frag", "https://app.example/\x00", "https://app.example\x00.evil.example/",
		"https://app.example", "https://app.example?x", "https://[::1]/", "ws://app.example/",
		"https://app.example/" + strings.Repeat("a", maxReturnURL),
	}
	for _, in := range bad {
		if got, ok := testOrigins.ReturnURL(in); ok {
			t.Errorf("ReturnURL(%q): got %q, want refused", in, got)
		}
	}
}

// FuzzReturnURL checks that whatever ReturnURL accepts parses back to one
// of the allowed origins with a path of one leading slash.
func FuzzReturnURL(f *testing.F) {
	for _, s := range []string{"https://app.example/", "//evil", "/\\evil", "https://app.example@evil/", "https:evil", "HTTPS://APP.EXAMPLE/x?y#z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := testOrigins.ReturnURL(raw)
		if !ok {
			return
		}
		u, err := url.Parse(got)
		if err != nil || u.User != nil || !slices.Contains(testOrigins, u.Scheme+"://"+u.Host) ||
			!strings.HasPrefix(u.EscapedPath(), "/") || strings.HasPrefix(u.EscapedPath(), "//") || strings.ContainsAny(got, "\\#") {
			t.Fatalf("ReturnURL(%q) = %q, which leaves the allow list", raw, got)
		}
	})
}
