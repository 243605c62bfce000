package boltstore_test

import (
	"context"
	"encoding/binary"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/storetest"
)

// benchRecords is how many records the lookup benchmarks store.
const benchRecords = 10_000

// benchStore returns a store holding n records of typical shape — a user,
// one auth method, one retired token, 128 bytes of data — and the records.
// It stores them in one transaction, for speed.
func benchStore(b *testing.B, n int) (*boltstore.Store, []*sessiond.Record) {
	b.Helper()
	s, _ := newStore(b)
	recs := make([]*sessiond.Record, n)
	for i := range recs {
		recs[i] = typical(uint64(i))
	}
	inOneBatch(b, s, n, func(i int) error { return s.Create(b.Context(), recs[i]) })
	return s, recs
}

// typical returns a record of typical shape, its id and hashes made from i.
func typical(i uint64) *sessiond.Record {
	rec := storetest.NewRecord("user-" + strconv.FormatUint(i%1000, 10))
	rec.ID = strconv.FormatUint(i, 36)
	rec.TokenHash = sequentialHash(2 * i)
	rec.Retired = []sessiond.RetiredToken{{Hash: sequentialHash(2*i + 1), GraceUntil: rec.CreatedAt}}
	rec.Data = make([]byte, 128)
	rec.IdleExpiresAt = rec.AbsoluteExpiresAt // no expiry during a long run
	return rec
}

// sequentialHash returns a token hash made from i, cheaper than a random one.
func sequentialHash(i uint64) sessiond.Hash {
	var h sessiond.Hash
	binary.BigEndian.PutUint64(h[:], i)
	h[31] = 0xb0 // apart from storetest's random hashes in all but chance
	return h
}

// BenchmarkFind measures the lookup behind every request: of one typical
// record over and over, and of records spread over the store.
func BenchmarkFind(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	for _, bc := range []struct {
		name string
		recs []*sessiond.Record
	}{
		{"Typical", recs[:1]},
		{"Spread", recs},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := b.Context()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, ok, err := s.Find(ctx, bc.recs[i%len(bc.recs)].TokenHash); !ok || err != nil {
					b.Fatalf("Find: got (%t, %v), want the record", ok, err)
				}
				i += 7
			}
		})
	}
}

// BenchmarkFindParallel measures Find from every processor at once.
func BenchmarkFindParallel(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, ok, err := s.Find(ctx, recs[i%len(recs)].TokenHash); !ok || err != nil {
				b.Errorf("Find: got (%t, %v), want the record", ok, err)
				return
			}
			i += 7
		}
	})
}

// BenchmarkLoad validates a token through a Manager, as the middleware
// does on every request; the Manager's clock stands still, so no touch is
// due.
func BenchmarkLoad(b *testing.B) {
	s, _ := benchStore(b, benchRecords)
	at := time.Now()
	m, err := sessiond.New(s, sessiond.Config{Keys: testKeys, Auditor: nopAuditor{}, Now: func() time.Time { return at }})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	_, token, err := m.Login(ctx, sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Load(ctx, token, sessiond.Client{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTouch measures the idle touch of one record, each call a
// little later, from one goroutine and from many (each touching its own
// record).
func BenchmarkTouch(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	ctx := b.Context()
	b.Run("Serial", func(b *testing.B) {
		rec, at := recs[0], recs[0].LastSeenAt
		b.ReportAllocs()
		for b.Loop() {
			at = at.Add(time.Microsecond)
			if err := s.Touch(ctx, rec.ID, at, at.Add(30*time.Minute)); err != nil {
				b.Fatalf("Touch: %v", err)
			}
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		var next atomic.Int64
		b.SetParallelism(32)
		b.ReportAllocs()
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
	})
}

// BenchmarkCreate measures storing new typical records, from one
// goroutine and from 64 (SetParallelism 32 on 2 processors): as the store
// does (alone when alone, batched when not), always batched, and each in
// a transaction of its own, to show what batching buys.
func BenchmarkCreate(b *testing.B) {
	for _, mode := range []struct {
		name  string
		setup func(s *boltstore.Store)
	}{
		{"Default", func(*boltstore.Store) {}},
		{"AlwaysBatched", boltstore.AlwaysBatched},
		{"Unbatched", boltstore.Unbatched},
	} {
		b.Run("Serial/"+mode.name, func(b *testing.B) {
			s, _ := newStore(b)
			mode.setup(s)
			ctx := b.Context()
			b.ReportAllocs()
			var i uint64
			for b.Loop() {
				if err := s.Create(ctx, typical(i)); err != nil {
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
					if err := s.Create(ctx, typical(next.Add(1))); err != nil {
						b.Errorf("Create: %v", err)
						return
					}
				}
			})
		})
	}
}
