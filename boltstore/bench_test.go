package boltstore_test

import (
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/storetest"
)

// BenchmarkStore runs the benchmarks every store shares.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) sessiond.Store {
		s, _ := newStore(b)
		return s
	})
}

// BenchmarkTouchParallel measures the idle touch from many goroutines,
// each touching its own record, each call a little later: concurrent
// touches share a batch.
func BenchmarkTouchParallel(b *testing.B) {
	s, _ := newStore(b)
	recs := make([]*sessiond.Record, 1000)
	inOneBatch(b, s, len(recs), func(i int) error {
		recs[i] = storetest.TypicalRecord(uint64(i))
		return s.Create(b.Context(), recs[i])
	})
	ctx := b.Context()
	var next atomic.Int64
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rec := recs[int(next.Add(1))%len(recs)]
		at := rec.LastSeenAt
		for pb.Next() {
			at = at.Add(time.Microsecond)
			if err := s.Touch(ctx, rec.ID, at, at.Add(30*time.Minute)); err != nil {
				b.Errorf("Touch: %v", err)
				return
			}
		}
	})
}

// BenchmarkCreate measures storing new typical records, from one
// goroutine and from 64 (SetParallelism 32 on 2 processors): as the store
// does (its group commit; storetest's Create and CreateParallel), with
// bbolt's Batch, and each in a transaction of its own, to show what the
// group commit buys.
func BenchmarkCreate(b *testing.B) {
	for _, mode := range []struct {
		name  string
		setup func(s *boltstore.Store)
	}{
		{"Default", func(*boltstore.Store) {}},
		{"BboltBatch", boltstore.BboltBatch},
		{"Unbatched", boltstore.Unbatched},
	} {
		b.Run("Serial/"+mode.name, func(b *testing.B) {
			s, _ := newStore(b)
			mode.setup(s)
			ctx := b.Context()
			b.ReportAllocs()
			var i uint64
			for b.Loop() {
				if err := s.Create(ctx, storetest.TypicalRecord(i)); err != nil {
					b.Fatalf("Create: %v", err)
				}
				i++
			}
		})
		b.Run("Parallel/"+mode.name, func(b *testing.B) {
			s, _ := newStore(b)
			mode.setup(s)
			ctx := b.Context()
			var next atomic.Uint64
			b.SetParallelism(32)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := s.Create(ctx, storetest.TypicalRecord(next.Add(1))); err != nil {
						b.Errorf("Create: %v", err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkLogin measures logins as the service makes them, through a
// Manager on the real clock with every audit event kept in the store, a
// 200-byte value given with each, from 16 goroutines (SetParallelism 8 on
// 2 processors) for 1,000 users in turn; pages/op is the pages the
// commits wrote per login, the figure that syncing them costs. The logins
// of one commit are those of neighbouring users, whose entries in
// by_user share leaves.
func BenchmarkLogin(b *testing.B) {
	var next atomic.Uint64
	benchLogin(b, func() uint64 { return next.Add(1) % 1000 })
}

// BenchmarkLoginRandomUsers is BenchmarkLogin for users picked at random
// among 1,000, as real logins come: each login's entries in by_user fall
// on a leaf of their own.
func BenchmarkLoginRandomUsers(b *testing.B) {
	benchLogin(b, func() uint64 { return rand.Uint64N(1000) })
}

// benchLogin measures logins, each for the user whose number user returns.
func benchLogin(b *testing.B, user func() uint64) {
	s := open(b, boltstore.Config{Path: dbPath(b)})
	m, err := sessiond.New(s, sessiond.Config{Auditor: sessiond.StoreAuditor{Store: s, Next: sessiond.SlogAuditor{Logger: slog.New(slog.DiscardHandler)}}})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	value := strings.Repeat("v", 200)
	before := pagesWritten(s)
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			info := sessiond.LoginInfo{
				UserID:  "user-" + strconv.FormatUint(user(), 10),
				Methods: []string{"pwd"},
				Data:    map[string]any{"v": value},
			}
			if _, _, err := m.LoginToken(b.Context(), info); err != nil {
				b.Errorf("LoginToken: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(pagesWritten(s)-before)/float64(b.N), "pages/op")
}

// BenchmarkSweep measures a sweep of 5,000 expired records among 100,000
// live ones, each op one Sweep, while another goroutine touches live
// records one after the other: a touch waits for the sweep transaction
// under way, whose commit grows with the records it removes, so
// touch-p99-ns and touch-max-ns show how long a sweep holds writes up.
// The records have random ids and token hashes, as real ones do, so that
// each removal dirties pages of its own.
func BenchmarkSweep(b *testing.B) {
	const live, expiring = 100_000, 5_000
	s, clk := newStore(b)
	ctx := b.Context()
	recs := createRandom(b, s, live, clk.Now().Add(12*time.Hour))
	var touches []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		createRandom(b, s, expiring, clk.Now().Add(time.Minute))
		clk.Advance(2 * time.Minute)
		b.StartTimer()
		done := make(chan []time.Duration)
		stop := make(chan struct{})
		go func() { done <- touchUntil(b, s, recs, clk.Now(), stop) }()
		if n, err := s.Sweep(ctx); err != nil || n != expiring {
			b.Fatalf("Sweep: got %d, %v, want %d, nil", n, err, expiring)
		}
		close(stop)
		touches = append(touches, <-done...)
	}
	slices.Sort(touches)
	if len(touches) > 0 {
		b.ReportMetric(float64(touches[len(touches)*99/100]), "touch-p99-ns")
		b.ReportMetric(float64(touches[len(touches)-1]), "touch-max-ns")
	}
}

// touchUntil touches recs in turn, each to a microsecond later than the
// one before from at on, until stop is closed, and returns how long each
// touch took.
func touchUntil(b *testing.B, s *boltstore.Store, recs []*sessiond.Record, at time.Time, stop <-chan struct{}) []time.Duration {
	var took []time.Duration
	for i := 0; ; i++ {
		select {
		case <-stop:
			return took
		default:
		}
		at = at.Add(time.Microsecond)
		t0 := time.Now()
		if err := s.Touch(b.Context(), recs[i%len(recs)].ID, at, at.Add(time.Hour)); err != nil {
			b.Errorf("Touch: %v", err)
			return took
		}
		took = append(took, time.Since(t0))
	}
}

// BenchmarkTouchAfterSweep measures the touch of a record, one after the
// other, in a store of 100,000 records after a sweep removed 100,000
// others, which leaves the file with many free pages; pages/op is the
// pages each commit wrote.
func BenchmarkTouchAfterSweep(b *testing.B) {
	const n = 100_000
	s, clk := newStore(b)
	ctx := b.Context()
	recs := createRandom(b, s, n, clk.Now().Add(12*time.Hour))
	createRandom(b, s, n, clk.Now().Add(time.Minute))
	clk.Advance(2 * time.Minute)
	if _, err := s.Sweep(ctx); err != nil {
		b.Fatalf("Sweep: %v", err)
	}
	before := pagesWritten(s)
	at := clk.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		at = at.Add(time.Microsecond)
		if err := s.Touch(ctx, recs[i%n].ID, at, at.Add(time.Hour)); err != nil {
			b.Fatalf("Touch: %v", err)
		}
		i++
	}
	b.ReportMetric(float64(pagesWritten(s)-before)/float64(i), "pages/op")
}

// createRandom stores n new records, with random ids and token hashes as
// real ones have, idle until idleExpires, in transactions of 5,000, and
// returns them.
func createRandom(b *testing.B, s *boltstore.Store, n int, idleExpires time.Time) []*sessiond.Record {
	const batch = 5_000
	recs := make([]*sessiond.Record, n)
	for i := range recs {
		recs[i] = storetest.NewRecord("user-" + strconv.Itoa(i))
		recs[i].IdleExpiresAt = idleExpires
	}
	for i := 0; i < n; i += batch {
		inOneBatch(b, s, min(batch, n-i), func(j int) error { return s.Create(b.Context(), recs[i+j]) })
	}
	return recs
}

// pagesWritten is how many pages the commits of s have written so far.
func pagesWritten(s *boltstore.Store) int64 {
	st := boltstore.DB(s).Stats()
	return st.TxStats.GetPageCount()
}
