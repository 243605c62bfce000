package operators

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

func TestCreate_FileMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", FileName)
	if err := create(testParams, path, "alice", "alice's password"); err != nil {
		t.Fatal(err)
	}
	if err := create(testParams, path, "bob", "bob's password!"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if info.IsDir() {
			want = os.ModeDir | 0o700
		}
		if info.Mode() != want {
			t.Errorf("%s: got mode %v, want %v", p, info.Mode(), want)
		}
	}
	f := NewFile(path)
	for user, pw := range map[string]string{"alice": "alice's password", "bob": "bob's password!"} {
		if ok, err := f.Verify(user, pw); !ok || err != nil {
			t.Errorf("%s: got %v, %v, want true, nil", user, ok, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("got %d files in the directory, want 1 (no temporary file left)", len(entries))
	}
}

func TestCreate_Refused(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := create(testParams, path, "alice", "alice's password"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user, password string
		want                 error
	}{
		{"taken", "alice", "another password", ErrExists},
		{"bad username", "al:ice", "another password", ErrBadUsername},
		{"short password", "bob", "elevenchars", ErrShortPassword},
		{"long password", "bob", strings.Repeat("x", pwhash.MaxLen+1), pwhash.ErrTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := create(testParams, path, tc.user, tc.password); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestCreate_MalformedFileLeftAlone(t *testing.T) {
	path := writeFile(t, "garbage\n")
	if err := create(testParams, path, "alice", "alice's password"); !errors.Is(err, ErrMalformed) {
		t.Errorf("got %v, want ErrMalformed", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "garbage\n" {
		t.Errorf("got %q, want the file unchanged", b)
	}
}

func TestEnsureFirst(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content *string
	}{
		{"no file", nil},
		{"comments only", ptr("# no operators yet\n\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			if tc.content != nil {
				os.WriteFile(path, []byte(*tc.content), 0o600)
			}
			user, pw, created, err := ensureFirst(testParams, path)
			if err != nil || !created || user != FirstUsername || len(pw) < MinPasswordLen {
				t.Fatalf("got %q, %d-char password, %v, %v; want admin, a long password, true, nil", user, len(pw), created, err)
			}
			if ok, _ := NewFile(path).Verify(user, pw); !ok {
				t.Error("the first operator's password does not verify")
			}
			user, pw, created, err = ensureFirst(testParams, path)
			if err != nil || created || user != "" || pw != "" {
				t.Errorf("second start: got %q, %q, %v, %v; want nothing made", user, pw, created, err)
			}
		})
	}
}

func TestEnsureFirst_MalformedFile(t *testing.T) {
	path := writeFile(t, "garbage\n")
	if _, _, created, err := ensureFirst(testParams, path); created || !errors.Is(err, ErrMalformed) {
		t.Errorf("got %v, %v, want false, ErrMalformed", created, err)
	}
}

func ptr(s string) *string { return &s }
