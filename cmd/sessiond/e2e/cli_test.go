package e2e

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/operators"
)

// TestProcess_Version checks "sessiond version" and --version: the
// module's version, and the Go version and platform it was built with,
// on stdout.
func TestProcess_Version(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version"} {
		code, stdout, stderr := runOut(t, t.TempDir(), nil, arg)
		want := ", " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
		if code != 0 || !strings.HasPrefix(stdout, "sessiond ") || !strings.HasSuffix(stdout, want) || stderr != "" {
			t.Errorf("%s: got %d, stdout %q, stderr %q; want 0 and one line ending in %q", arg, code, stdout, stderr, want)
		}
	}
}

// TestProcess_UnknownVariableWarns checks that a misspelt SESSIOND_
// variable is named in a warning with the variable meant.
func TestProcess_UnknownVariableWarns(t *testing.T) {
	t.Parallel()
	code, stderr := run(t, t.TempDir(), []string{"SESSIOND_IDEL_TIMEOUT=5m"}, "serve", "--addr", "nonsense")
	want := "sessiond: warning: SESSIOND_IDEL_TIMEOUT is not a sessiond variable and is ignored (did you mean SESSIOND_IDLE_TIMEOUT?)\n"
	if code != 2 || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 2 {
		t.Errorf("got %d %q, want 2, the warning %q and the refusal", code, stderr, want)
	}
}

// TestProcess_DemoSaysWhatToTry starts the demo and follows what it
// prints: the OpenAPI document is where it says, the commands it gives
// create and validate a session when pasted into a shell, trusting the
// development certificate by its file rather than with -k; the first
// operator is listed by "sessiond admin list-users", and
// "sessiond admin reset-password" replaces the password shown once while
// the demo runs.
func TestProcess_DemoSaysWhatToTry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, _ := startCommand(t, "demo", nil, "--data-dir", dir, "--addr", "127.0.0.1:0")
	out := string(p.stderr.Bytes())
	if strings.Contains(out, "WARNING") {
		t.Errorf("the demo warns about its certificate:\n%s", out)
	}
	_, rest, ok := strings.Cut(out, "described by ")
	openapi, _, _ := strings.Cut(rest, ";")
	if !ok || !strings.HasSuffix(openapi, "/v1/openapi.json") {
		t.Fatalf("no OpenAPI URL in:\n%s", out)
	}
	s := &service{key: p.generated, client: newClient(t, dir), seen: &tokens{}}
	if a := s.call(t, "GET", openapi, nil); a.code != http.StatusOK || a.body["openapi"] == nil {
		t.Errorf("%s: got %d, want the OpenAPI document", openapi, a.code)
	}

	snippet := pasted(out)
	if !strings.Contains(snippet, `--cacert "$CERT"`) || strings.Contains(snippet, " -k ") || !strings.Contains(snippet, "/v1/sessions/validate") {
		t.Errorf("got commands\n%s\nwant curl with --cacert that validates a session", snippet)
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Logf("no curl: the printed commands are not run")
	} else {
		got, err := exec.Command("sh", "-c", snippet).CombinedOutput()
		if err != nil || !strings.Contains(string(got), `{"session":{`) || !strings.Contains(string(got), `"user_id":"alice"`) {
			t.Errorf("the printed commands: got %v\n%s\nwant alice's session validated", err, got)
		}
	}

	_, first, _ := strings.Cut(out, "(password shown once; to replace it: sessiond admin reset-password --data-dir "+dir+" --username admin): ")
	first, _, _ = strings.Cut(first, "\n")
	code, stdout, stderr := runOut(t, dir, nil, "admin", "list-users", "--data-dir", dir)
	if code != 0 || stdout != "admin\n" {
		t.Errorf("list-users: got %d %q %q, want admin", code, stdout, stderr)
	}
	code, stdout, stderr = runOut(t, dir, nil, "admin", "reset-password", "--username", "admin", "--generate", "--data-dir", dir)
	file := operators.NewFile(filepath.Join(dir, operators.FileName))
	newPassword := strings.TrimSuffix(stdout, "\n")
	if ok, _ := file.Verify("admin", newPassword); code != 0 || !ok {
		t.Errorf("reset-password: got %d %q, and the new password verifies: %v", code, stderr, ok)
	}
	if ok, _ := file.Verify("admin", first); first == "" || ok {
		t.Errorf("the first password (%q) still verifies, or was not printed", first)
	}
	p.stop(t)
}

// pasted returns the commands the output says to paste: the indented
// lines after the line that ends in "paste:".
func pasted(out string) string {
	_, after, _ := strings.Cut(out, "paste:\n")
	var lines []string
	for line := range strings.Lines(after) {
		if !strings.HasPrefix(line, "  ") {
			break
		}
		lines = append(lines, strings.TrimPrefix(line, "  "))
	}
	return strings.Join(lines, "")
}
