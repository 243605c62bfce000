package operators

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// testParams are cheap parameters that keep the tests fast.
var testParams = pwhash.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// mustHash hashes password with testParams.
func mustHash(t testing.TB, password string) string {
	t.Helper()
	h, err := testParams.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// writeFile writes content to a new operators file and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
