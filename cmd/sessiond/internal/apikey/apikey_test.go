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
	set.add("the-right-key-0123")
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
