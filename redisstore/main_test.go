package redisstore_test

import (
	"context"
	"crypto/rand"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond/redisstore"
)

// localAddr is the Redis that CI provides.
const localAddr = "127.0.0.1:6379"

var (
	localOnce   sync.Once
	localClient rueidis.Client
	localErr    error
)

// TestMain closes the shared client and stops the test Cluster, if the
// tests started one.
func TestMain(m *testing.M) {
	code := m.Run()
	if localClient != nil {
		localClient.Close()
	}
	stopCluster()
	os.Exit(code)
}

// testOptions are client options for the tests' own clients: short
// timeouts, no cache.
func testOptions(addrs ...string) rueidis.ClientOption {
	return rueidis.ClientOption{
		InitAddress:      addrs,
		Dialer:           net.Dialer{Timeout: 2 * time.Second},
		ConnWriteTimeout: 2 * time.Second,
		DisableCache:     true,
	}
}

// local returns a client of the Redis at localAddr, shared by the
// package's tests, or skips the test if there is none.
func local(t testing.TB) rueidis.Client {
	t.Helper()
	localOnce.Do(func() {
		opt := testOptions(localAddr)
		opt.ForceSingleClient = true
		localClient, localErr = rueidis.NewClient(opt)
	})
	if localErr != nil {
		t.Skipf("no Redis at %s (%v); CI provides one", localAddr, localErr)
	}
	return localClient
}

// newStore returns a store on c under a prefix of its own, whose keys are
// deleted when t ends.
func newStore(t testing.TB, c rueidis.Client) *redisstore.Store {
	t.Helper()
	s, _ := newStoreAt(t, c, testPrefix())
	return s
}

// newStoreAt returns a store on c under prefix, whose keys are deleted
// when t ends, and its config.
func newStoreAt(t testing.TB, c rueidis.Client, prefix string) (*redisstore.Store, redisstore.Config) {
	t.Helper()
	cfg := redisstore.Config{Client: c, Prefix: prefix}
	s, err := redisstore.New(cfg)
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	t.Cleanup(func() { cleanup(t, c, s, prefix) })
	return s, cfg
}

// testPrefix is a key prefix no other test run uses.
func testPrefix() string {
	return "sessiond-test:" + rand.Text()[:10] + ":"
}

// cleanup deletes the keys of s, which uses c and prefix.
func cleanup(t testing.TB, c rueidis.Client, s *redisstore.Store, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.DeleteAll(ctx); err != nil {
		t.Errorf("cleanup: DeleteAll: got error %v, want nil", err)
	}
	if err := c.Do(ctx, c.B().Del().Key(prefix+"audit").Build()).Error(); err != nil {
		t.Errorf("cleanup: DEL audit: got error %v, want nil", err)
	}
	s.Close()
}

// rand8 returns 8 random characters.
func rand8() string { return rand.Text()[:8] }
