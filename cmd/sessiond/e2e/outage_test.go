package e2e

import (
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// redisServer is a redis-server of a test's own, keeping nothing on disk.
type redisServer struct {
	addr string
	cmd  *exec.Cmd
}

// startRedis starts a private redis-server on addr, or skips the test
// when none is installed, and waits until it answers.
func startRedis(t *testing.T, addr string) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skipf("no redis-server to start (install Debian's redis-server): %v", err)
	}
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--bind", host, "--port", port, "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &redisServer{addr: addr, cmd: cmd}
	t.Cleanup(r.kill)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not listen on %s", addr)
		}
		time.Sleep(20 * time.Millisecond) // polls, with a bound, for the server to start
	}
}

// restartableAddr returns a free loopback address whose port is below
// Linux's ephemeral range (32768 and up) and the ports redisstore's tests
// pick (10000 and up): a server stopped and started again on it does not
// find it taken meanwhile by an outgoing connection or a listener on port
// 0 of a test running beside this one.
func restartableAddr(t *testing.T) string {
	t.Helper()
	for range 100 {
		addr := "127.0.0.1:" + strconv.Itoa(7000+rand.IntN(2000))
		if ln, err := net.Listen("tcp", addr); err == nil {
			ln.Close()
			return addr
		}
	}
	t.Fatal("no free port from 7000 to 8999")
	return ""
}

// kill ends the server at once, as a crash would.
func (r *redisServer) kill() {
	if r.cmd.ProcessState == nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
}

// TestStoreOutage_R51 kills the Redis server under a running sessiond:
// validation is refused with 503 (fail closed), never answered as if the
// session were there or gone; each failed store call is counted in
// sessiond_store_errors_total by store, method and kind, and logged with
// its cause, without a token; and once a server answers on the address
// again, sessiond serves without a restart.
func TestStoreOutage_R51(t *testing.T) {
	addr := restartableAddr(t)
	redis := startRedis(t, addr)
	s := startApp(t, "redis://"+addr+"/0")
	created := s.call(t, "POST", "/v1/sessions", map[string]any{"user_id": "alice"})
	want(t, "create", created, http.StatusCreated)
	tok := created.body["token"].(string)

	redis.kill()
	const tries = 20
	for range tries {
		want(t, "validate while Redis is down", s.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok}), http.StatusServiceUnavailable)
	}

	metrics := s.call(t, "GET", "/metrics", nil)
	want(t, "metrics", metrics, http.StatusOK)
	m := regexp.MustCompile(`(?m)^sessiond_store_errors_total\{kind="(\w+)",op="find",store="redis"\} (\d+)$`).FindAllStringSubmatch(string(metrics.raw), -1)
	failed := 0
	for _, kv := range m {
		n, _ := strconv.Atoi(kv[2])
		if kv[1] != "connection" && kv[1] != "timeout" && n > 0 {
			t.Errorf("finds failed as %q: %d, want connection or timeout failures only", kv[1], n)
		}
		failed += n
	}
	if failed < tries {
		t.Errorf("sessiond_store_errors_total for find on redis: %d, want at least %d:\n%s", failed, tries, m)
	}
	logged := strings.Count(string(s.log.Bytes()), "session store call failed")
	if logged == 0 || logged >= tries {
		t.Errorf("the log holds %d store failure records for %d failed calls in about a second, want at least one and fewer", logged, tries)
	}
	if strings.Contains(string(s.log.Bytes()), tok) {
		t.Errorf("the log holds the session token")
	}

	startRedis(t, addr) // an empty server: the session is gone, the service is back
	for deadline := time.Now().Add(10 * time.Second); ; {
		a := s.call(t, "POST", "/v1/sessions/validate", map[string]any{"token": tok})
		if a.code == http.StatusUnauthorized {
			break
		}
		if a.code != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("validate after Redis came back: got %d %s, want 401 (the session was not kept) within 10 s", a.code, a.raw)
		}
		time.Sleep(50 * time.Millisecond) // polls, with a bound, for the client to reconnect
	}
	want(t, "create after Redis came back", s.call(t, "POST", "/v1/sessions", map[string]any{"user_id": "alice"}), http.StatusCreated)
}
