package e2e

import (
	"cmp"
	"context"
	"crypto/rand"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/stores"
)

// Variables that point the tests at other servers.
const (
	envPostgres = "SESSIOND_TEST_POSTGRES"
	envRedis    = "SESSIOND_TEST_REDIS"
)

// storeCase makes the --store URL of one kind of store for one test, or
// skips the test.
type storeCase struct {
	name string
	url  func(t *testing.T) string
}

// storeCases are the stores every API test runs on.
var storeCases = []storeCase{
	{"memory", func(*testing.T) string { return "memory://" }},
	{"bolt", func(t *testing.T) string { return "bolt://" + filepath.Join(t.TempDir(), "sessions.db") }},
	{"postgres", postgresURL},
	{"redis", redisURL},
}

// eachStore runs f on every store, in parallel subtests.
func eachStore(t *testing.T, f func(t *testing.T, s *appService)) {
	for _, sc := range storeCases {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			f(t, startApp(t, sc.url(t)))
		})
	}
}

// postgresURL makes a database of its own on the test server, dropped
// when t ends, and returns its URL; the service makes its schema there.
func postgresURL(t *testing.T) string {
	t.Helper()
	admin := cmp.Or(os.Getenv(envPostgres), "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Skipf("no PostgreSQL server (set %s to a postgres:// URL): %v", envPostgres, err)
	}
	defer conn.Close(context.Background())
	name := "sessiond_e2e_" + strings.ToLower(rand.Text())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating a database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, admin, name) })
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", envPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// dropDatabase removes a database made by postgresURL.
func dropDatabase(t *testing.T, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("dropping %s: %v", name, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("dropping %s: %v", name, err)
	}
}

// redisURL returns the URL of the test Redis server with a key prefix of
// this test's own, or skips the test when the server does not answer or
// sessiond cannot open Redis stores yet.
func redisURL(t *testing.T) string {
	t.Helper()
	base := cmp.Or(os.Getenv(envRedis), "redis://127.0.0.1:6379/0")
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", envRedis, err)
	}
	c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		t.Skipf("no Redis server (set %s to a redis:// URL): %v", envRedis, err)
	}
	c.Close()
	q := u.Query()
	q.Set("prefix", "sessiond-e2e-"+strings.ToLower(rand.Text())+":")
	u.RawQuery = q.Encode()
	s, err := stores.Open(t.Context(), u.String())
	if err != nil && strings.Contains(err.Error(), "not available") {
		t.Skipf("sessiond cannot open Redis stores yet: %v", err)
	}
	if err != nil {
		t.Fatalf("opening the Redis store: %v", err)
	}
	s.Close()
	t.Cleanup(func() { dropPrefix(t, u, q.Get("prefix")) })
	return u.String()
}

// dropPrefix deletes the keys under prefix with redis-cli, when it is
// installed: the test server may outlive the test.
func dropPrefix(t *testing.T, u *url.URL, prefix string) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		return
	}
	addr := (&url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host, Path: u.Path}).String()
	out, err := exec.Command(cli, "-u", addr, "EVAL", dropScript, "0", prefix+"*").CombinedOutput()
	if err != nil {
		t.Logf("deleting the test's Redis keys: %v: %s", err, out)
	}
}

// dropScript deletes the keys that match ARGV[1] (key names may hold any
// byte, which redis-cli's own --scan output cannot carry).
const dropScript = `local c = "0"
repeat
  local r = redis.call("SCAN", c, "MATCH", ARGV[1], "COUNT", 1000)
  c = r[1]
  for _, k in ipairs(r[2]) do redis.call("DEL", k) end
until c == "0"
return 0`
