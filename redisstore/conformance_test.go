package redisstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/storetest"
)

// TestConformance runs the storetest suite against the standalone Redis.
func TestConformance(t *testing.T) {
	conformance(t, local(t))
}

// TestConformanceCluster runs the storetest suite against a three-master
// Redis Cluster that the package's tests start.
func TestConformanceCluster(t *testing.T) {
	conformance(t, cluster(t).client)
}

// conformance runs the storetest suite on c, each store under a prefix of
// its own. Redis expires keys by its own clock, which a test cannot move;
// Advance moves the store's keys through time instead, bringing every
// expiry under the store's prefix d earlier (Redis deletes at once a key
// whose expiry has passed). TestTTL checks the expiries themselves.
func conformance(t *testing.T, c rueidis.Client) {
	var mu sync.Mutex
	prefixes := make(map[sessiond.Store]string)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) sessiond.Store {
			prefix := testPrefix()
			s, _ := newStoreAt(t, c, prefix)
			mu.Lock()
			defer mu.Unlock()
			prefixes[s] = prefix
			return s
		},
		Advance: func(t *testing.T, s sessiond.Store, d time.Duration) {
			mu.Lock()
			prefix := prefixes[s]
			mu.Unlock()
			shiftExpiries(t, c, prefix, d)
		},
	})
}

// shiftExpiries brings the expiry of every key under prefix d earlier. It
// needs PEXPIRETIME (Redis 7), and skips the test without it.
func shiftExpiries(t *testing.T, c rueidis.Client, prefix string, d time.Duration) {
	t.Helper()
	ctx := t.Context()
	for _, n := range c.Nodes() {
		var cursor uint64
		for {
			e, err := n.Do(ctx, n.B().Scan().Cursor(cursor).Match(prefix+"*").Count(1000).Build()).AsScanEntry()
			if err != nil {
				t.Fatalf("SCAN: got error %v, want nil", err)
			}
			for _, k := range e.Elements {
				shiftExpiry(t, c, k, d)
			}
			if cursor = e.Cursor; cursor == 0 {
				break
			}
		}
	}
}

// shiftExpiry brings the expiry of key, if it has one, d earlier.
func shiftExpiry(t *testing.T, c rueidis.Client, key string, d time.Duration) {
	t.Helper()
	at, err := c.Do(t.Context(), c.B().Pexpiretime().Key(key).Build()).AsInt64()
	if err != nil {
		t.Skipf("PEXPIRETIME: %v (needs Redis 7)", err)
	}
	if at <= 0 {
		return // no expiry, or gone since the scan
	}
	err = c.Do(t.Context(), c.B().Pexpireat().Key(key).MillisecondsTimestamp(at-d.Milliseconds()).Build()).Error()
	if err != nil {
		t.Fatalf("PEXPIREAT %s: got error %v, want nil", key, err)
	}
}
