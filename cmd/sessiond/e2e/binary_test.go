package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startWait bounds how long sessiond may take to start or stop.
const startWait = 60 * time.Second

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	buildOut  []byte
)

// TestMain removes the built binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds sessiond once per run and returns its path. It skips the
// test under -short.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the sessiond binary: not under -short")
	}
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "sessiond-e2e-"); buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "sessiond"), ".")
		cmd.Dir = ".."
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return filepath.Join(buildDir, "sessiond")
}

// cleanEnv is this process's environment without SESSIOND_ variables,
// plus env.
func cleanEnv(env ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SESSIOND_") {
			out = append(out, kv)
		}
	}
	return append(out, env...)
}

// run runs sessiond to its end in dir and returns its exit status and
// stderr.
func run(t *testing.T, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	code, _, stderr := runOut(t, dir, env, args...)
	return code, stderr
}

// runOut runs sessiond to its end in dir and returns its exit status,
// stdout and stderr.
func runOut(t *testing.T, dir string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir, cmd.Env = dir, cleanEnv(env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = startWait
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("sessiond %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// proc is a running sessiond.
type proc struct {
	cmd       *exec.Cmd
	stderr    *syncBuffer
	url       chan string   // receives the URL it listens on
	exited    chan struct{} // closed when it has exited
	exitCode  int
	generated string // the API key it generated, if it did
}

// start starts sessiond serve with args and env, and waits until it
// listens. It is killed if it still runs when t ends.
func start(t *testing.T, env []string, args ...string) (*proc, string) {
	t.Helper()
	return startCommand(t, "serve", env, args...)
}

// startCommand starts sessiond command (serve or demo) with args and env,
// and waits until it listens. It is killed if it still runs when t ends.
func startCommand(t *testing.T, command string, env []string, args ...string) (*proc, string) {
	t.Helper()
	p := &proc{cmd: exec.Command(binary(t), append([]string{command}, args...)...),
		stderr: &syncBuffer{}, url: make(chan string, 1), exited: make(chan struct{})}
	p.cmd.Env = cleanEnv(env...)
	pipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.read(pipe)
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	select {
	case u := <-p.url:
		return p, u
	case <-p.exited:
		t.Fatalf("sessiond exited with %d before listening:\n%s", p.exitCode, p.stderr.Bytes())
	case <-time.After(startWait):
		t.Fatalf("sessiond did not listen within %v:\n%s", startWait, p.stderr.Bytes())
	}
	return nil, ""
}

// read keeps the process's stderr, watches it for the listening line and
// a generated key, and waits for the process to exit.
func (p *proc) read(pipe interface{ Read([]byte) (int, error) }) {
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		line := sc.Text()
		p.stderr.Write([]byte(line + "\n"))
		if _, key, ok := strings.Cut(line, "generated API key"); ok {
			p.generated = key[strings.LastIndex(key, " ")+1:]
		}
		var log struct{ Msg, URL string }
		if json.Unmarshal([]byte(line), &log) == nil && log.Msg == "listening" {
			p.url <- log.URL
		}
	}
	p.cmd.Wait()
	p.exitCode = p.cmd.ProcessState.ExitCode()
	close(p.exited)
}

// stop sends SIGTERM and waits for the process to exit; it fails unless
// the exit status is 0.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(t)
}

// wait waits for the process to exit; it fails unless the exit status is
// 0 and the log says it stopped.
func (p *proc) wait(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(startWait):
		t.Fatalf("sessiond did not stop within %v", startWait)
	}
	if p.exitCode != 0 || !strings.Contains(string(p.stderr.Bytes()), `"msg":"stopped"`) {
		t.Fatalf("sessiond exited with %d:\n%s", p.exitCode, p.stderr.Bytes())
	}
}
