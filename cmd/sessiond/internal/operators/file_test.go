package operators

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// countingFile is a File whose password checks are recorded.
type countingFile struct {
	*File
	mu      sync.Mutex
	checked []string
}

func newCountingFile(path string) *countingFile {
	c := &countingFile{File: NewFile(path)}
	c.File.check = func(encoded, password string) (bool, error) {
		c.mu.Lock()
		c.checked = append(c.checked, encoded)
		c.mu.Unlock()
		return pwhash.Check(encoded, password)
	}
	return c
}

func TestFile_Verify(t *testing.T) {
	path := writeFile(t, "alice:"+mustHash(t, "alice's password")+"\n")
	f := NewFile(path)
	for _, tc := range []struct {
		name, user, password string
		want                 bool
	}{
		{"right", "alice", "alice's password", true},
		{"wrong password", "alice", "bob's password", false},
		{"case of username", "Alice", "alice's password", false},
		{"unknown user", "bob", "alice's password", false},
		{"invalid username", "alice\n", "alice's password", false},
		{"empty", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.Verify(tc.user, tc.password)
			if err != nil || got != tc.want {
				t.Errorf("got %v, %v, want %v, nil", got, err, tc.want)
			}
		})
	}
}

// An unknown user costs one password check, against a dummy hash with
// the parameters of the real accounts, like a wrong password.
func TestFile_UnknownUserCostsTheSame_R50(t *testing.T) {
	path := writeFile(t, "alice:"+mustHash(t, "alice's password")+"\n")
	f := newCountingFile(path)
	f.Verify("alice", "wrong password")
	f.Verify("nobody", "wrong password")
	f.Verify("not a valid name", "wrong password")
	if len(f.checked) != 3 {
		t.Fatalf("got %d password checks, want 3 (one per attempt)", len(f.checked))
	}
	realParams, _ := pwhash.ParamsOf(f.checked[0])
	for _, dummy := range f.checked[1:] {
		params, err := pwhash.ParamsOf(dummy)
		if err != nil || params != realParams {
			t.Errorf("dummy check used %+v (%v), want the real account's %+v", params, err, realParams)
		}
		if dummy == f.checked[0] {
			t.Error("an unknown user was checked against a real account's hash")
		}
	}
}

func TestFile_NoFile(t *testing.T) {
	f := newCountingFile(filepath.Join(t.TempDir(), FileName))
	f.dummies[pwhash.DefaultParams] = mustHash(t, "x") // spare the test a 64 MiB hash
	if ok, err := f.Verify("admin", "anything"); ok || err != nil {
		t.Errorf("got %v, %v, want false, nil", ok, err)
	}
	if len(f.checked) != 1 {
		t.Errorf("got %d password checks, want 1", len(f.checked))
	}
}

// exists reports whether f has an operator called name.
func exists(f *File, name string) bool {
	_, ok := f.Stamp(name)
	return ok
}

func TestFile_Stamp(t *testing.T) {
	path := writeFile(t, "alice:"+mustHash(t, "password")+"\n")
	f := NewFile(path)
	if !exists(f, "alice") || exists(f, "bob") || exists(f, "") {
		t.Fatal("got wrong existence for alice, bob or the empty name")
	}
	// Removing the line removes the operator at once.
	if err := os.WriteFile(path, []byte("# nobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if exists(f, "alice") {
		t.Error("alice still exists after her line was removed")
	}
}

func TestFile_MalformedFailsClosed(t *testing.T) {
	h := mustHash(t, "alice's password")
	path := writeFile(t, "alice:"+h+"\ngarbage\n")
	f := NewFile(path)
	if ok, err := f.Verify("alice", "alice's password"); ok || err == nil {
		t.Errorf("Verify: got %v, %v, want false and an error", ok, err)
	}
	if exists(f, "alice") {
		t.Error("Exists: got true for a malformed file, want false")
	}
	if _, err := f.Verify("alice", "x"); strings.Contains(err.Error(), h) {
		t.Errorf("the error repeats the hash: %v", err)
	}
}
