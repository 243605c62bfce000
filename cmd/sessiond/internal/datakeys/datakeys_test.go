package datakeys

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad_MakesAndKeepsAKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data-keys")
	keys, err := Load(file)
	if err != nil || len(keys) != 1 || len(keys[0].Secret) != 32 {
		t.Fatalf("Load = %v, %v; want one 32-byte key", keys, err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	again, _ := Load(file)
	if string(again[0].Secret) != string(keys[0].Secret) {
		t.Errorf("the key changed between starts")
	}
}

func TestParse(t *testing.T) {
	k := base64.StdEncoding.EncodeToString(make([]byte, 32))
	keys, err := Parse([]byte("# ring\n2:" + k + "\n1:" + k + "\n"))
	if err != nil || len(keys) != 2 || keys[0].ID != 2 {
		t.Fatalf("Parse = %v, %v; want two keys, id 2 first", keys, err)
	}
	for name, content := range map[string]string{
		"empty": "", "no id": k, "short key": "1:" + base64.StdEncoding.EncodeToString(make([]byte, 16)),
		"bad id": "x:" + k, "bad base64": "1:" + strings.Repeat("!", 44),
	} {
		if _, err := Parse([]byte(content)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
