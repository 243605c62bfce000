package e2e

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProcess_RestartKeepsSessions starts sessiond on the embedded store
// with a generated API key, creates sessions, and stops it with SIGTERM
// while a request is half sent: the request still completes, and the
// process exits 0. Started again on the same data directory, with no new
// key printed, every session still validates.
func TestProcess_RestartKeepsSessions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"--data-dir", dir, "--addr", "127.0.0.1:0"}
	p, base := start(t, nil, args...)
	if p.generated == "" {
		t.Fatalf("first start: no generated API key on stderr:\n%s", p.stderr.Bytes())
	}
	if fi, err := os.Stat(filepath.Join(dir, "api-keys")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("api-keys file: got %v %v, want mode 0600", fi.Mode(), err)
	}
	s := &service{base: base, key: p.generated, client: newClient(t, dir), seen: &tokens{}}
	live := map[string]string{} // token → session id
	for i := range 5 {
		tok, id := s.login(t, fmt.Sprintf("user-%d", i))
		live[tok] = id
	}

	conn, rd := halfSentLogin(t, s)
	p.cmd.Process.Signal(syscall.SIGTERM)
	waitClosed(t, base)
	tok, id := finishLogin(t, conn, rd)
	live[tok] = id
	s.seen.add(tok)
	p.wait(t)

	p2, base := start(t, nil, args...)
	if p2.generated != "" {
		t.Errorf("second start: got a new generated key, want the kept one")
	}
	s.base = base
	for tok, id := range live {
		a := s.call(t, "POST", "/v1/sessions/validate", with("token", tok))
		if a.code != http.StatusOK || str(a.body, "session", "id") != id {
			t.Errorf("after restart: got %d %s, want 200 for session %s", a.code, a.raw, id)
		}
	}
	p2.stop(t)
}

// loginBody is the body of the in-flight login.
const loginBody = `{"user_id":"in-flight","auth_methods":["pwd"]}`

// halfSentLogin opens a connection and sends a login's headers with
// "Expect: 100-continue", then waits for the 100 Continue that the server
// sends when the handler starts reading the body: from then on the request
// is in flight, and a graceful shutdown must let it finish. (A request whose
// headers arrive after shutdown began is dropped by net/http, rightly.)
func halfSentLogin(t *testing.T, s *service) (*tls.Conn, *bufio.Reader) {
	t.Helper()
	u, _ := url.Parse(s.base)
	cfg := s.client.Transport.(*http.Transport).TLSClientConfig.Clone()
	cfg.NextProtos = []string{"http/1.1"} // written by hand below; the service would take h2
	conn, err := tls.Dial("tcp", u.Host, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(startWait))
	fmt.Fprintf(conn, "POST /v1/sessions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		u.Host, s.key, len(loginBody))
	rd := bufio.NewReader(conn)
	res, err := http.ReadResponse(rd, nil)
	if err != nil || res.StatusCode != http.StatusContinue {
		t.Fatalf("waiting for 100 Continue: got %v, %v", res, err)
	}
	return conn, rd
}

// finishLogin sends the body of the login and returns its token and id.
func finishLogin(t *testing.T, conn *tls.Conn, rd *bufio.Reader) (string, string) {
	t.Helper()
	conn.SetDeadline(time.Now().Add(startWait))
	if _, err := conn.Write([]byte(loginBody)); err != nil {
		t.Fatalf("finishing the in-flight request: %v", err)
	}
	res, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("in-flight request: got %d %v, want 201", res.StatusCode, body)
	}
	return str(body, "token"), str(body, "session", "id")
}

// waitClosed waits until nothing accepts connections at base any more:
// shutdown has begun.
func waitClosed(t *testing.T, base string) {
	t.Helper()
	u, _ := url.Parse(base)
	deadline := time.Now().Add(startWait)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(10 * time.Millisecond) // polling another process: no event to wait on
	}
	t.Fatalf("%s still accepts connections after SIGTERM", base)
}

// TestProcess_Environment checks that every flag is read from its
// SESSIOND_ variable, and that a flag on the command line wins.
func TestProcess_Environment(t *testing.T) {
	t.Parallel()
	dir, key := t.TempDir(), "env-key-0123456789abcdef"
	addr := freeAddr(t)
	env := []string{
		"SESSIOND_ADDR=" + addr, "SESSIOND_DATA_DIR=" + dir, "SESSIOND_API_KEY=" + key,
		"SESSIOND_STORE=memory://", "SESSIOND_IDLE_TIMEOUT=45m", "SESSIOND_ABSOLUTE_TIMEOUT=2h",
		"SESSIOND_MAX_SESSIONS_PER_USER=2",
	}
	for _, tc := range []struct {
		name string
		args []string
		idle time.Duration
	}{
		{"environment", nil, 45 * time.Minute},
		{"flag wins", []string{"--idle-timeout", "20m"}, 20 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, base := start(t, env, tc.args...)
			if base != "https://"+addr {
				t.Errorf("listening on %s, want SESSIOND_ADDR %s", base, addr)
			}
			if p.generated != "" {
				t.Errorf("a key was generated although SESSIOND_API_KEY is set")
			}
			if _, err := os.Stat(filepath.Join(dir, "api-keys")); err == nil {
				t.Errorf("an api-keys file was written although SESSIOND_API_KEY is set")
			}
			if !strings.Contains(string(p.stderr.Bytes()), "sessiond: WARNING: no --tls-cert given: serving HTTPS with a self-signed development certificate") {
				t.Errorf("serve without --tls-cert gave no warning:\n%s", p.stderr.Bytes())
			}
			s := &service{base: base, key: key, client: newClient(t, dir), seen: &tokens{}}
			a := s.call(t, "POST", "/v1/sessions", with("user_id", "env"))
			want(t, "create", a, http.StatusCreated)
			if got := span(t, a, "last_seen_at", "idle_expires_at"); got != tc.idle {
				t.Errorf("idle timeout: got %v, want %v", got, tc.idle)
			}
			if got := span(t, a, "created_at", "absolute_expires_at"); got != 2*time.Hour {
				t.Errorf("absolute timeout: got %v, want 2h (SESSIOND_ABSOLUTE_TIMEOUT)", got)
			}
			s.login(t, "env")
			s.login(t, "env")
			if got := listedIDs(s.call(t, "GET", "/v1/users/env/sessions", nil)); len(got) != 2 {
				t.Errorf("sessions after 3 logins: got %d, want 2 (SESSIOND_MAX_SESSIONS_PER_USER)", len(got))
			}
			s.call(t, "DELETE", "/v1/sessions?confirm=all", nil)
			p.stop(t)
		})
	}
}

// span returns the time between two members of an answer's session.
func span(t *testing.T, a answer, from, to string) time.Duration {
	t.Helper()
	f, err1 := time.Parse(time.RFC3339, str(a.body, "session", from))
	e, err2 := time.Parse(time.RFC3339, str(a.body, "session", to))
	if err1 != nil || err2 != nil {
		t.Fatalf("session times %s, %s: %v %v", from, to, err1, err2)
	}
	return e.Sub(f)
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestProcess_RefusedConfiguration checks that every configuration
// sessiond refuses exits with status 2 and one line on stderr, before
// listening.
func TestProcess_RefusedConfiguration(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { taken.Close() })
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string // in the line, when not empty
	}{
		{"insecure HTTP off loopback", nil, []string{"serve", "--insecure-http", "--addr", "0.0.0.0:1234"}, ""},
		{"insecure HTTP off loopback from the environment", []string{"SESSIOND_INSECURE_HTTP=true", "SESSIOND_ADDR=0.0.0.0:1234"}, []string{"demo"}, ""},
		{"address without port", nil, []string{"serve", "--addr", "localhost"}, ""},
		{"zero idle timeout", nil, []string{"serve", "--idle-timeout", "0s"}, ""},
		{"idle over absolute", nil, []string{"serve", "--idle-timeout", "2h", "--absolute-timeout", "1h"}, ""},
		{"certificate without key", nil, []string{"serve", "--tls-cert", "cert.pem"}, ""},
		{"unknown log level", nil, []string{"serve", "--log-level", "loud"}, ""},
		{"stray argument", nil, []string{"serve", "now"}, ""},
		{"bad duration in the environment", []string{"SESSIOND_IDLE_TIMEOUT=soon"}, []string{"demo"}, `"soon" for SESSIOND_IDLE_TIMEOUT: want a duration`},
		{"unknown store", nil, []string{"serve", "--store", "ftp://example"}, ""},
		{"store URL without path", nil, []string{"serve", "--store", "bolt://"}, ""},
		{"unknown command", nil, []string{"frobnicate"}, ""},
		{"duration without a unit", nil, []string{"serve", "--idle-timeout", "5"}, "-idle-timeout: needs a unit, e.g. 30m"},
		{"missing TLS file", nil, []string{"serve", "--tls-cert", "cert.pem", "--tls-key", "key.pem"}, "--tls-cert: open cert.pem: no such file"},
		{"unreachable PostgreSQL", nil, []string{"serve", "--store", "postgres://nobody@127.0.0.1:1/x"}, "connection refused"},
		{"address in use", nil, []string{"demo", "--addr", taken.Addr().String()}, "--addr: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			code, stderr := run(t, dir, tc.env, tc.args...)
			if code != 2 {
				t.Errorf("exit status: got %d, want 2", code)
			}
			if n := strings.Count(stderr, "\n"); n != 1 || !strings.HasPrefix(stderr, "sessiond") || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr: got %d lines %q, want one line from sessiond with %q", n, stderr, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "sessiond-data")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the refused start left a data directory (%v)", err)
			}
		})
	}
}

// TestProcess_Help checks that help is asked for without error.
func TestProcess_Help(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "sessiond serve"},
		{[]string{"help"}, "sessiond demo"},
		{[]string{"serve", "--help"}, "-idle-timeout"},
		{[]string{"serve", "-h"}, "-store"},
		{[]string{"demo", "--help"}, "-data-dir"},
		{[]string{"serve", "-h"}, "--idle-timeout duration  (SESSIOND_IDLE_TIMEOUT)"},
		{[]string{"admin", "-h"}, "reset-password --username admin"},
		{[]string{"admin", "reset-password", "--help"}, "Usage: sessiond admin reset-password"},
		{[]string{"help"}, "sessiond version"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			code, stderr := run(t, t.TempDir(), nil, tc.args...)
			if code != 0 || !strings.Contains(stderr, tc.want) {
				t.Errorf("got status %d and %q, want 0 and a text naming %q", code, stderr, tc.want)
			}
		})
	}
	if code, _ := run(t, t.TempDir(), nil); code != 2 {
		t.Errorf("no command: got status %d, want 2", code)
	}
}
