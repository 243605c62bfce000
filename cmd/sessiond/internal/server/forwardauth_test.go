package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForwardAuthKey_OnlyForwardAuth_R7 checks the routes of the service
// over HTTPS: a key of the forward-auth scope reaches GET
// /v1/forward-auth and nothing else (403 in JSON), a full key reaches
// everything, and the JWKS document needs no key.
func TestForwardAuthKey_OnlyForwardAuth_R7(t *testing.T) {
	dir := t.TempDir()
	const full, proxy = "full-key-0123456789", "proxy-key-0123456789"
	os.WriteFile(filepath.Join(dir, "api-keys"), []byte(full+"\n"+proxy+" forward-auth\n"), 0o600)
	app := newApp(t, dir)
	srv := httptest.NewTLSServer(app.Handler(nil))
	t.Cleanup(srv.Close)
	call := func(key, method, path string) *http.Response {
		r, _ := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
		r.Header.Set("Content-Type", "application/json")
		if key != "" {
			r.Header.Set("Authorization", "Bearer "+key)
		}
		res, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	for _, tt := range []struct {
		key, method, path string
		want              int
	}{
		{proxy, "GET", "/v1/forward-auth", 401}, // reached: no session
		{proxy, "HEAD", "/v1/forward-auth", 401},
		{proxy, "POST", "/v1/forward-auth", 405},
		{proxy, "GET", "/v1/audit", 403},
		{proxy, "POST", "/v1/sessions", 403},
		{proxy, "DELETE", "/v1/sessions?confirm=all", 403},
		{proxy, "GET", "/v1/forward-auth/", 403},
		{proxy, "GET", "/v1/forward-auth/../audit", 403},
		{proxy, "GET", "/v1/openapi.json", 403},
		{proxy, "GET", "/metrics", 403},
		{full, "GET", "/v1/forward-auth", 401},
		{full, "GET", "/v1/audit", 200},
		{full, "GET", "/metrics", 200},
		{"", "GET", "/v1/forward-auth", 401},
		{"wrong-key-0123456789", "GET", "/v1/forward-auth", 401},
		{"", "GET", "/.well-known/jwks.json", 200},
	} {
		t.Run(tt.method+" "+tt.path+" "+tt.key, func(t *testing.T) {
			res := call(tt.key, tt.method, tt.path)
			if res.StatusCode != tt.want {
				t.Fatalf("status: got %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == 403 {
				var body struct{ Error, Detail string }
				if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.Error != "forbidden" || body.Detail == "" {
					t.Errorf("body: got %+v, %v; want {error: forbidden, detail}", body, err)
				}
			}
		})
	}
	res := call(proxy, "GET", "/v1/forward-auth")
	if res.Header.Get("WWW-Authenticate") != "" {
		t.Errorf("the forward-auth key was refused as a key: WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
	}
	for _, h := range []string{"X-Sessiond-User-Id", "X-Sessiond-Session-Id", "X-Sessiond-Auth-Time", "X-Sessiond-Auth-Methods", "X-Sessiond-Assertion"} {
		if vs := res.Header.Values(h); len(vs) != 1 || vs[0] != "" {
			t.Errorf("%s: got %q, want present and empty", h, vs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "forward-auth-key")); err != nil {
		t.Errorf("no signing key in the data directory: %v", err)
	}
}
