package boltstore_test

import (
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
