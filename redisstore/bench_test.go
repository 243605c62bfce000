package redisstore_test

import (
	"context"
	"net"
	"testing"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/redisstore"
	"github.com/sessiond/sessiond/storetest"
)

// benchParallelism is the goroutines per processor of the parallel
// benchmarks: many requests in flight, as behind a busy HTTP server.
const benchParallelism = 32

// benchStore returns a store made by NewFromURL on the local Redis, as the
// sessiond service makes it, under a prefix of its own.
func benchStore(b *testing.B) *redisstore.Store {
	prefix := testPrefix()
	newStoreAt(b, local(b), prefix) // deletes the prefix's keys when b ends
	s, err := redisstore.NewFromURL(b.Context(), "redis://"+localAddr+"?prefix="+prefix)
	if err != nil {
		b.Fatalf("NewFromURL: %v", err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// plainClient returns a client with the settings of NewFromURL's, for the
// plain GET baselines.
func plainClient(b *testing.B) rueidis.Client {
	local(b) // skips without a server
	c, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:       []string{localAddr},
		ForceSingleClient: true,
		DisableCache:      true,
		Dialer:            net.Dialer{Timeout: redisstore.DialTimeout, KeepAlive: redisstore.PingInterval},
		ConnWriteTimeout:  redisstore.IOTimeout,
		MaxFlushDelay:     redisstore.FlushDelay,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c
}

// plainKey stores a value the size of a typical encoded record under a
// key of its own and returns the key, for the plain GET baselines.
func plainKey(b *testing.B, c rueidis.Client) string {
	payload, _ := storetest.TypicalRecord(0).MarshalBinary()
	key := testPrefix() + "plain"
	if err := c.Do(b.Context(), c.B().Set().Key(key).Value(string(payload)).Build()).Error(); err != nil {
		b.Fatalf("SET: %v", err)
	}
	b.Cleanup(func() { c.Do(context.Background(), c.B().Del().Key(key).Build()) })
	return key
}

// BenchmarkStore runs the benchmarks every store shares, on stores made
// by NewFromURL as the sessiond service makes them.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) sessiond.Store { return benchStore(b) })
}

// BenchmarkPlainGet is the baseline of storetest's Find/Typical: one GET of a value of
// the same size with a client of the same settings.
func BenchmarkPlainGet(b *testing.B) {
	c := plainClient(b)
	key := plainKey(b, c)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Do(ctx, c.B().Get().Key(key).Build()).AsBytes(); err != nil {
			b.Fatalf("GET: %v", err)
		}
	}
}

// BenchmarkPlainGetParallel is the baseline of storetest's FindParallel.
func BenchmarkPlainGetParallel(b *testing.B) {
	c := plainClient(b)
	key := plainKey(b, c)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Do(ctx, c.B().Get().Key(key).Build()).AsBytes(); err != nil {
				b.Errorf("GET: %v", err)
				return
			}
		}
	})
}

// benchManager returns a Manager on a store on the local Redis and the
// token of a live session.
func benchManager(b *testing.B) (*sessiond.Manager, string) {
	m, err := sessiond.New(benchStore(b), sessiond.Config{Auditor: nopAuditor{}})
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := m.LoginToken(b.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		b.Fatal(err)
	}
	return m, tok
}

// BenchmarkLoadParallel is storetest's Load with many requests in flight,
// beside BenchmarkPlainGetParallel.
func BenchmarkLoadParallel(b *testing.B) {
	m, tok := benchManager(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := m.Load(ctx, tok, sessiond.Client{}); err != nil {
				b.Errorf("Load: %v", err)
				return
			}
		}
	})
}
