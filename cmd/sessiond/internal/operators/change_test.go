package operators

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoOperators writes a file of alice and bob, with a comment between
// them and no line ending after bob, and returns its path.
func twoOperators(t *testing.T) string {
	t.Helper()
	return writeFile(t, "# ops\nalice:"+mustHash(t, "alice's password")+"\n# bob is on call\nbob:"+mustHash(t, "bob's password!"))
}

// readString returns the content of the file at path.
func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAdminCommand_Help(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		code, _, stderr := runAdmin("", args...)
		if code != 0 || !strings.HasPrefix(stderr, "Usage: sessiond admin COMMAND") {
			t.Errorf("%v: got %d %q, want 0 and the usage", args, code, stderr)
		}
		for _, cmd := range []string{"create-user", "list-users", "reset-password", "delete-user", "reset-password --username admin"} {
			if !strings.Contains(stderr, cmd) {
				t.Errorf("%v: the usage does not name %q", args, cmd)
			}
		}
	}
	if code, _, stderr := runAdmin(""); code != 2 || !strings.Contains(stderr, "Usage: sessiond admin") {
		t.Errorf("no command: got %d %q, want 2 and the usage", code, stderr)
	}
	code, _, stderr := runAdmin("", "frobnicate")
	if code != 2 || stderr != "sessiond admin: unknown command \"frobnicate\" (see sessiond admin -h)\n" {
		t.Errorf("unknown command: got %d %q, want 2 and one line", code, stderr)
	}
	for name := range subcommands {
		code, _, stderr := runAdmin("", name, "-h")
		if code != 0 || !strings.HasPrefix(stderr, "Usage: sessiond admin "+name) {
			t.Errorf("%s -h: got %d %q, want 0 and its usage", name, code, stderr)
		}
	}
}

// TestResetPassword replaces the first operator's password, shown once
// at the first start, without touching the rest of the file.
func TestResetPassword(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir)
	if _, _, _, err := ensureFirst(testParams, path); err != nil {
		t.Fatal(err)
	}
	if err := create(testParams, path, "bob", "bob's password!"); err != nil {
		t.Fatal(err)
	}
	bobLine := strings.SplitAfter(readString(t, path), "\n")[2]

	code, _, stderr := runAdmin("a new password for admin\n", "reset-password", "--username", "admin", "--data-dir", dir)
	if code != 0 || !strings.Contains(stderr, `operator "admin" has a new password in`) {
		t.Fatalf("got %d %q, want 0", code, stderr)
	}
	f := NewFile(path)
	if ok, _ := f.Verify("admin", "a new password for admin"); !ok {
		t.Error("the new password does not verify")
	}
	content := readString(t, path)
	if !strings.HasPrefix(content, fileHeader) || !strings.HasSuffix(content, bobLine) || strings.Count(content, "\n") != 3 {
		t.Errorf("got file %q, want the header, admin's new line and bob's line unchanged", content)
	}

	code, stdout, _ := runAdmin("", "reset-password", "--username", "bob", "--data-dir", dir, "--generate")
	pw := strings.TrimSuffix(stdout, "\n")
	if ok, _ := f.Verify("bob", pw); code != 0 || !ok {
		t.Errorf("--generate: got %d and a password that verifies: %v", code, ok)
	}
	if ok, _ := f.Verify("bob", "bob's password!"); ok {
		t.Error("bob's old password still verifies")
	}
}

func TestResetPassword_Refused(t *testing.T) {
	path := twoOperators(t)
	dir := filepath.Dir(path)
	before := readString(t, path)
	for _, tc := range []commandCase{
		{"unknown operator", []string{"--username", "carol"}, "carol's password\n", 1, `no operator "carol" in `},
		{"short password", []string{"--username", "alice"}, "short\n", 2, "at least 12"},
		{"no password", []string{"--username", "alice"}, "", 2, "no password"},
		{"no username", nil, "alice's password\n", 2, "--username is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runAdmin(tc.stdin, append([]string{"reset-password", "--data-dir", dir}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("got %d %q, want %d and one line with %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
	if readString(t, path) != before {
		t.Error("a refused reset changed the file")
	}
}

func TestListUsers(t *testing.T) {
	path := twoOperators(t)
	code, stdout, stderr := runAdmin("", "list-users", "--data-dir", filepath.Dir(path))
	if code != 0 || stdout != "alice\nbob\n" || stderr != "" {
		t.Errorf("got %d, stdout %q, stderr %q; want 0 and alice and bob", code, stdout, stderr)
	}
	code, stdout, stderr = runAdmin("", "list-users", "--data-dir", t.TempDir())
	if code != 0 || stdout != "" || !strings.Contains(stderr, `no operator in`) {
		t.Errorf("no file: got %d, stdout %q, stderr %q; want 0, nothing and a note", code, stdout, stderr)
	}
	malformed := writeFile(t, "garbage\n")
	code, _, stderr = runAdmin("", "list-users", "--data-dir", filepath.Dir(malformed))
	if code != 1 || !strings.Contains(stderr, "line 1") {
		t.Errorf("malformed file: got %d %q, want 1 naming the line", code, stderr)
	}
}

func TestDeleteUser(t *testing.T) {
	path := twoOperators(t)
	dir := filepath.Dir(path)
	before := readString(t, path)
	code, _, stderr := runAdmin("", "delete-user", "--username", "carol", "--data-dir", dir)
	if code != 1 || !strings.Contains(stderr, `no operator "carol"`) {
		t.Errorf("unknown operator: got %d %q, want 1", code, stderr)
	}

	code, _, stderr = runAdmin("", "delete-user", "--username", "bob", "--data-dir", dir)
	if code != 0 || !strings.Contains(stderr, `operator "bob" deleted`) {
		t.Fatalf("got %d %q, want 0", code, stderr)
	}
	f := NewFile(path)
	if exists(f, "bob") || !exists(f, "alice") {
		t.Error("bob still exists or alice is gone")
	}
	if got, want := readString(t, path), before[:strings.Index(before, "bob:")]; got != want {
		t.Errorf("got file %q, want %q: the rest unchanged", got, want)
	}

	code, _, stderr = runAdmin("", "delete-user", "--username", "alice", "--data-dir", dir)
	if code != 1 || !strings.Contains(stderr, "the last one") || !exists(f, "alice") {
		t.Errorf("last operator: got %d %q, want 1 and alice kept", code, stderr)
	}
}
