package apikey

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad_GeneratesOnFirstStart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sub", "api-keys")
	set, generated, err := Load(file, "")
	if err != nil || generated == "" || !set.Valid(generated) {
		t.Fatalf("Load = %v, %q, %v; want a generated, valid key", set, generated, err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	again, generated2, err := Load(file, "")
	if err != nil || generated2 != "" || !again.Valid(generated) {
		t.Errorf("second Load = %q, %v; want the same key, nothing generated", generated2, err)
	}
}

func TestLoad_EnvironmentKeyOnly(t *testing.T) {
	file := filepath.Join(t.TempDir(), "api-keys")
	set, generated, err := Load(file, "env-key-0123456789")
	if err != nil || generated != "" || !set.Valid("env-key-0123456789") {
		t.Fatalf("Load = %q, %v; want the environment key and nothing generated", generated, err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Errorf("a key file was written although SESSIOND_API_KEY was set")
	}
	if _, _, err := Load(file, "short"); err == nil {
		t.Errorf("a short environment key was accepted")
	}
}

func TestLoad_FileFormat(t *testing.T) {
	file := filepath.Join(t.TempDir(), "api-keys")
	os.WriteFile(file, []byte("# comment\n\nkey-one-0123456789\n  key-two-0123456789  \n"), 0o600)
	set, _, err := Load(file, "")
	if err != nil || !set.Valid("key-one-0123456789") || !set.Valid("key-two-0123456789") || set.Valid("# comment") {
		t.Fatalf("Load = %v; want both keys and no comment", err)
	}
	for name, content := range map[string]string{"only comments": "# none\n", "short key": "abc\n"} {
		os.WriteFile(file, []byte(content), 0o600)
		if _, _, err := Load(file, ""); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRequire_R7(t *testing.T) {
	set := &Set{}
	set.add("the-right-key-0123", Full)
	h := set.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("in")) }))
	cases := map[string]struct {
		header string
		want   int
	}{
		"right key":   {"Bearer the-right-key-0123", 200},
		"lower case":  {"bearer the-right-key-0123", 200},
		"no header":   {"", 401},
		"wrong key":   {"Bearer the-wrong-key-0123", 401},
		"prefix":      {"Bearer the-right-key", 401},
		"basic":       {"Basic the-right-key-0123", 401},
		"empty token": {"Bearer ", 401},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/v1/audit?key=the-right-key-0123", nil)
			if c.header != "" {
				r.Header.Set("Authorization", c.header)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.want {
				t.Errorf("status %d, want %d", w.Code, c.want)
			}
			if c.want != 401 {
				return
			}
			if strings.Contains(w.Body.String(), "right-key") {
				t.Errorf("the refusal echoes a key")
			}
			var body struct{ Error, Detail string }
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error != "unauthorized" || body.Detail == "" {
				t.Errorf("body: got %q, want {error: unauthorized, detail: a sentence}", w.Body)
			}
		})
	}
}

// TestLoad_Scopes checks the key file's scopes: a key alone is a full
// key, "KEY forward-auth" a forward-auth key, and anything else after a
// key refuses the file without quoting the line.
func TestLoad_Scopes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "api-keys")
	os.WriteFile(file, []byte("full-key-0123456789\nproxy-key-0123456789 forward-auth\n\tother-proxy-012345\t forward-auth \n"), 0o600)
	set, _, err := Load(file, "env-key-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]Scope{
		"full-key-0123456789": Full, "proxy-key-0123456789": ForwardAuth,
		"other-proxy-012345": ForwardAuth, "env-key-0123456789": Full,
	} {
		if got, ok := set.Scope(key); !ok || got != want {
			t.Errorf("Scope(%q): got %q, %v; want %q, true", key, got, ok, want)
		}
	}
	if _, ok := set.Scope("proxy-key-0123456789 forward-auth"); ok {
		t.Errorf("the whole line was taken as a key")
	}
	for name, content := range map[string]string{
		"unknown scope":      "secret-key-0123456789 admin\n",
		"scope in caps":      "secret-key-0123456789 FORWARD-AUTH\n",
		"two scopes":         "secret-key-0123456789 forward-auth forward-auth\n",
		"short scoped key":   "short forward-auth\n",
		"scope without key":  "forward-auth\n",
		"unknown, then good": "secret-key-0123456789 full\nproxy-key-0123456789 forward-auth\n",
	} {
		os.WriteFile(file, []byte(content), 0o600)
		_, _, err := Load(file, "")
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "secret-key") {
			t.Errorf("%s: the error quotes the key: %v", name, err)
		}
	}
}

// TestRequireScope_R7 checks that a forward-auth key passes only where
// its scope is asked for, and is refused 403 in JSON elsewhere, while a
// full key passes everywhere and a wrong key is 401 everywhere.
func TestRequireScope_R7(t *testing.T) {
	set := &Set{}
	set.add("the-full-key-01234", Full)
	set.add("the-proxy-key-0123", ForwardAuth)
	in := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("in")) })
	handlers := map[string]http.Handler{"full": set.Require(in), "forward-auth": set.RequireScope(ForwardAuth, in)}
	cases := []struct {
		route, key string
		want       int
		wantError  string
	}{
		{"full", "the-full-key-01234", 200, ""},
		{"full", "the-proxy-key-0123", 403, "forbidden"},
		{"full", "the-other-key-0123", 401, "unauthorized"},
		{"forward-auth", "the-full-key-01234", 200, ""},
		{"forward-auth", "the-proxy-key-0123", 200, ""},
		{"forward-auth", "the-other-key-0123", 401, "unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.route+" "+c.key, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/v1/x", nil)
			r.Header.Set("Authorization", "Bearer "+c.key)
			w := httptest.NewRecorder()
			handlers[c.route].ServeHTTP(w, r)
			if w.Code != c.want {
				t.Fatalf("status: got %d, want %d", w.Code, c.want)
			}
			if c.wantError == "" {
				return
			}
			var body struct{ Error, Detail string }
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error != c.wantError || body.Detail == "" {
				t.Errorf("body: got %q, want {error: %s, detail: a sentence}", w.Body, c.wantError)
			}
			if strings.Contains(w.Body.String(), "key-0123") {
				t.Errorf("the refusal echoes a key")
			}
			if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control: got %q, want no-store", cc)
			}
		})
	}
}
