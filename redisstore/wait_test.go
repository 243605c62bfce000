package redisstore_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/redisstore"
	"github.com/sessiond/sessiond/storetest"
)

// replicationArgs are the arguments of a test's master with replicas:
// sync through a file, at once. A diskless sync would hold the master's
// stream back until the replica's first acknowledgement, up to a second
// after it says it is in sync, and a write's WAIT time out meanwhile.
var replicationArgs = []string{"--repl-diskless-sync", "no"}

// startReplicated starts a standalone Redis with one replica, waits until
// the replica says it is in sync, and returns both. They stop when tb ends.
func startReplicated(tb testing.TB) (master, replica *redisServer) {
	tb.Helper()
	if !haveRedisServer() {
		tb.Skip("redis-server is not on the PATH")
	}
	var ports [2]int
	for i := range ports {
		p, err := freePort()
		if err != nil {
			tb.Fatal(err)
		}
		ports[i] = p
	}
	master, err := startServer(tb.TempDir(), ports[0], replicationArgs...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(master.stop)
	replica, err = startServer(tb.TempDir(), ports[1], "--replicaof", "127.0.0.1", strconv.Itoa(master.port))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(replica.stop)
	err = waitFor(10*time.Second, func() error {
		info, err := command(replica.addr(), "INFO replication")
		if err == nil && !strings.Contains(info, "master_link_status:up") {
			err = errors.New("replica not in sync yet")
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return master, replica
}

// TestWaitStandalone writes through a store with wait=1 on a Redis with a
// replica: a Create is acknowledged once the replica has its keys, and
// CheckReplicas finds the replica; with the replica gone, CheckReplicas
// says so, a Create fails with ErrNotReplicated within a few wait
// timeouts, and reads still work.
func TestWaitStandalone(t *testing.T) {
	master, replica := startReplicated(t)
	s, err := redisstore.NewFromURL(t.Context(), "redis://"+master.addr()+"?prefix=w:&wait=1&wait_timeout=100ms")
	if err != nil {
		t.Fatalf("NewFromURL: %v", err)
	}
	defer s.Close()
	rec := storetest.NewRecord("alice")
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	if got, err := command(replica.addr(), "EXISTS w:i:"+rec.ID); got != ":1" {
		t.Errorf("the replica after an acknowledged Create: EXISTS of the id key got %q (%v), want :1", got, err)
	}

	if err := s.CheckReplicas(t.Context()); err != nil {
		t.Errorf("CheckReplicas with the replica in sync: got %v, want nil", err)
	}

	replica.stop()
	err = waitFor(5*time.Second, func() error {
		if err := s.CheckReplicas(t.Context()); !errors.Is(err, redisstore.ErrNotReplicated) {
			return fmt.Errorf("CheckReplicas without the replica: got %v, want ErrNotReplicated", err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	start := time.Now()
	err = s.Create(t.Context(), storetest.NewRecord("bob"))
	if took := time.Since(start); !errors.Is(err, redisstore.ErrNotReplicated) || took > time.Second {
		t.Errorf("Create without a replica: got error %v after %v, want ErrNotReplicated within 1s", err, took)
	}
	if _, found, err := s.Find(t.Context(), rec.TokenHash); !found || err != nil {
		t.Errorf("Find without a replica: got %t, %v, want true, nil", found, err)
	}
}

// BenchmarkWait is the cost of waiting for a replica: Create of a user's
// record (two round trips) on a standalone Redis with one replica on the
// loopback, with wait off and wait=1, one at a time and many at once.
func BenchmarkWait(b *testing.B) {
	master, _ := startReplicated(b)
	for _, mode := range []struct{ name, query string }{{"Off", ""}, {"Wait1", "&wait=1"}} {
		s, err := redisstore.NewFromURL(b.Context(), "redis://"+master.addr()+"?prefix=bench:"+mode.query)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		b.Run(mode.name+"/Create", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Create(b.Context(), storetest.NewRecord("alice")); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(mode.name+"/CreateParallel", func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(benchParallelism)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := s.Create(b.Context(), storetest.NewRecord("alice")); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
