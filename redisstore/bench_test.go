package redisstore_test

import (
	"context"
	"crypto/rand"
	"net"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/redisstore"
	"github.com/sessiond/sessiond/storetest"
)

// benchParallelism is the goroutines per processor of the parallel
// benchmarks: many requests in flight, as behind a busy HTTP server.
const benchParallelism = 32

// typical returns a record of typical shape: a user, one auth method,
// one retired token, 128 bytes of data.
func typical() *sessiond.Record {
	rec := storetest.NewRecord("alice")
	rec.Retired = []sessiond.RetiredToken{{Hash: storetest.NewRecord("").TokenHash, GraceUntil: rec.CreatedAt}}
	rec.Data = make([]byte, 128)
	rand.Read(rec.Data)
	return rec
}

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

// benchRecord returns a store on the local Redis holding a typical record,
// and the record.
func benchRecord(b *testing.B) (sessiond.Store, *sessiond.Record) {
	s := benchStore(b)
	rec := typical()
	if err := s.Create(b.Context(), rec); err != nil {
		b.Fatalf("Create: %v", err)
	}
	return s, rec
}

// BenchmarkFind is the store's read path, one round trip: the record by
// its current token hash.
func BenchmarkFind(b *testing.B) {
	s, rec := benchRecord(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.Find(ctx, rec.TokenHash); !ok || err != nil {
			b.Fatalf("Find: got (%t, %v), want the record", ok, err)
		}
	}
}

// BenchmarkFindParallel is BenchmarkFind with many lookups in flight.
func BenchmarkFindParallel(b *testing.B) {
	s, rec := benchRecord(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok, err := s.Find(ctx, rec.TokenHash); !ok || err != nil {
				b.Errorf("Find: got (%t, %v), want the record", ok, err)
				return
			}
		}
	})
}

// plainKey stores a value the size of a typical encoded record under a
// key of its own and returns the key, for the plain GET baselines.
func plainKey(b *testing.B, c rueidis.Client) string {
	rec := typical()
	payload, _ := rec.MarshalBinary()
	key := testPrefix() + "plain"
	if err := c.Do(b.Context(), c.B().Set().Key(key).Value(string(payload)).Build()).Error(); err != nil {
		b.Fatalf("SET: %v", err)
	}
	b.Cleanup(func() { c.Do(context.Background(), c.B().Del().Key(key).Build()) })
	return key
}

// BenchmarkPlainGet is the baseline of BenchmarkFind: one GET of a value of
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

// BenchmarkPlainGetParallel is the baseline of BenchmarkFindParallel.
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

// BenchmarkTouch is the idle touch, each call a little later: the id key,
// then the script on the home.
func BenchmarkTouch(b *testing.B) {
	s, rec := benchRecord(b)
	at := rec.LastSeenAt
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Microsecond)
		if err := s.Touch(ctx, rec.ID, at, at.Add(30*time.Minute)); err != nil {
			b.Fatalf("Touch: %v", err)
		}
	}
}

// benchManager returns a Manager on a store on the local Redis and the
// token of a live session.
func benchManager(b *testing.B) (*sessiond.Manager, string) {
	m, err := sessiond.New(benchStore(b), sessiond.Config{Auditor: nopAuditor{}})
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := m.Login(b.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		b.Fatal(err)
	}
	return m, tok
}

// BenchmarkLoad validates a token with a Manager: Find, and a touch at most
// once per TouchInterval.
func BenchmarkLoad(b *testing.B) {
	m, tok := benchManager(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Load(ctx, tok, sessiond.Client{}); err != nil {
			b.Fatalf("Load: %v", err)
		}
	}
}

// BenchmarkLoadParallel is BenchmarkLoad with many requests in flight.
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

// BenchmarkUpdate replaces a typical record's data, with compare-and-swap.
func BenchmarkUpdate(b *testing.B) {
	s, rec := benchRecord(b)
	ctx := context.Background()
	cur := *rec
	b.ReportAllocs()
	for b.Loop() {
		next := cur
		next.Version++
		if err := s.Update(ctx, &next, cur.Version); err != nil {
			b.Fatalf("Update: %v", err)
		}
		cur = next
	}
}
