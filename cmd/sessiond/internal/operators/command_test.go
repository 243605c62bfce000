package operators

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// runAdmin runs "sessiond admin" with args, testParams and no
// environment.
func runAdmin(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	env := func(string) string { return "" }
	code = command(testParams, env, args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// runCreateUser runs "sessiond admin create-user" with args.
func runCreateUser(args []string, stdin string) (code int, stdout, stderr string) {
	return runAdmin(stdin, append([]string{"create-user"}, args...)...)
}

// commandCase is a command line, its standard input, and the exit status
// and part of stderr it should give.
type commandCase struct {
	name  string
	args  []string
	stdin string
	code  int
	msg   string
}

func TestCreateUserCommand(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []commandCase{
		{"from stdin", []string{"--username", "alice", "--data-dir", dir}, "alice's password\n", 0, `operator "alice" created`},
		{"crlf line", []string{"--username", "carol", "--data-dir", dir}, "carol's password\r\nignored\n", 0, "created"},
		{"taken", []string{"--username", "alice", "--data-dir", dir}, "another password\n", 1, `operator "alice" exists`},
		{"short password", []string{"--username", "bob", "--data-dir", dir}, "short\n", 2, "at least 12"},
		{"no password", []string{"--username", "bob", "--data-dir", dir}, "", 2, "no password"},
		{"no username", []string{"--data-dir", dir}, "password12345\n", 2, "--username is required"},
		{"bad username", []string{"--username", "bob smith", "--data-dir", dir}, "password12345\n", 2, "--username must be"},
		{"unknown flag", []string{"--username", "bob", "--force"}, "password12345\n", 2, "not defined"},
		{"extra argument", []string{"--username", "bob", "now"}, "password12345\n", 2, `unexpected argument "now"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCreateUser(tc.args, tc.stdin)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("got %d %q, want %d and %q", code, stderr, tc.code, tc.msg)
			}
			if code != 0 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("got %q, want one line", stderr)
			}
		})
	}
	f := NewFile(Path(dir))
	if ok, _ := f.Verify("carol", "carol's password"); !ok {
		t.Error("carol's password (given with CRLF) does not verify")
	}
}

func TestCreateUserCommand_Generate(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCreateUser([]string{"--username", "ops", "--data-dir", dir, "--generate"}, "")
	if code != 0 {
		t.Fatalf("got %d %q, want 0", code, stderr)
	}
	pw := strings.TrimSuffix(stdout, "\n")
	if len(pw) < MinPasswordLen || strings.Contains(pw, "\n") {
		t.Fatalf("got stdout %q, want one line with the password", stdout)
	}
	if ok, _ := NewFile(filepath.Join(dir, FileName)).Verify("ops", pw); !ok {
		t.Error("the generated password does not verify")
	}
	if strings.Contains(stderr, pw) {
		t.Error("the password is repeated on stderr")
	}
}

func TestCreateUserCommand_DataDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "SESSIOND_DATA_DIR" {
			return dir
		}
		return ""
	}
	var out, errOut bytes.Buffer
	code := command(testParams, env, []string{"create-user", "--username", "alice"}, strings.NewReader("alice's password\n"), &out, &errOut)
	if code != 0 || !exists(NewFile(Path(dir)), "alice") {
		t.Errorf("got %d %q, want alice created in $SESSIOND_DATA_DIR", code, errOut.String())
	}
}

func TestCreateUserCommand_Help(t *testing.T) {
	code, _, stderr := runCreateUser([]string{"-h"}, "")
	if code != 0 || !strings.Contains(stderr, "Usage: sessiond admin create-user") {
		t.Errorf("got %d %q, want 0 and the usage", code, stderr)
	}
}
