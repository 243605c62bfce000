package storetest

import (
	"context"
	"encoding/binary"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// BenchRecords is how many records the lookup benchmarks of [Bench] store.
const BenchRecords = 1000

// benchParallelism is the goroutines a processor of the parallel
// benchmarks: many calls in flight, as behind a busy HTTP server.
const benchParallelism = 16

// TypicalRecord returns a record of typical shape — a user, one auth
// method, one retired token, 128 bytes of data — with its id and hashes
// made from i: different values of i give different records. Its idle
// deadline is its absolute one, so that it lives through a long run.
func TypicalRecord(i uint64) *sessiond.Record {
	rec := NewRecord("user-" + strconv.FormatUint(i%1000, 10))
	rec.ID = "bench-" + strconv.FormatUint(i, 36)
	rec.TokenHash = SequentialHash(2 * i)
	rec.Retired = []sessiond.RetiredToken{{Hash: SequentialHash(2*i + 1), GraceUntil: rec.CreatedAt}}
	rec.Data = make([]byte, 128)
	rec.IdleExpiresAt = rec.AbsoluteExpiresAt
	return rec
}

// SequentialHash returns a token hash made from i: cheaper than a random
// one, and apart from [NewRecord]'s random hashes in all but chance.
func SequentialHash(i uint64) sessiond.Hash {
	var h sessiond.Hash
	binary.BigEndian.PutUint64(h[:], i)
	h[31] = 0xb0
	return h
}

// Bench runs the benchmarks every store shares, as sub-benchmarks of b,
// each on a fresh, empty store from open (which registers the store's
// cleanup with b.Cleanup):
//
//   - Find/Typical: the lookup behind every request, of one typical
//     record over and over;
//   - Find/Spread: of BenchRecords typical records in turn;
//   - FindParallel: Find/Spread with many lookups in flight;
//   - Load: a token validated by a [sessiond.Manager] on the store, with
//     no touch due, as the middleware does on most requests;
//   - Touch: the idle touch, each call a little later, so that each
//     writes; TouchToken: the same through [sessiond.TokenToucher], for
//     stores that have it;
//   - Update: the compare-and-swap of a rotation: a new current hash, the
//     old one retired;
//   - Create and CreateParallel: new typical records, one at a time and
//     many at once.
//
// A store's own benchmarks (baselines, variants of its settings) go beside
// these, in its package.
func Bench(b *testing.B, open func(b *testing.B) sessiond.Store) {
	b.Run("Find/Typical", func(b *testing.B) {
		s, recs := filled(b, open, 1)
		benchFind(b, s, recs)
	})
	b.Run("Find/Spread", func(b *testing.B) {
		s, recs := filled(b, open, BenchRecords)
		benchFind(b, s, recs)
	})
	b.Run("FindParallel", func(b *testing.B) {
		s, recs := filled(b, open, BenchRecords)
		benchFindParallel(b, s, recs)
	})
	b.Run("Load", func(b *testing.B) { benchLoad(b, open(b)) })
	b.Run("Touch", func(b *testing.B) {
		s, recs := filled(b, open, 1)
		benchTouch(b, recs[0], func(ctx context.Context, at time.Time) error {
			return s.Touch(ctx, recs[0].ID, at, at.Add(30*time.Minute))
		})
	})
	b.Run("TouchToken", func(b *testing.B) {
		s, recs := filled(b, open, 1)
		tt, ok := s.(sessiond.TokenToucher)
		if !ok {
			b.Skip("the store is not a sessiond.TokenToucher")
		}
		benchTouch(b, recs[0], func(ctx context.Context, at time.Time) error {
			return tt.TouchToken(ctx, recs[0].ID, recs[0].TokenHash, at, at.Add(30*time.Minute))
		})
	})
	b.Run("Update", func(b *testing.B) {
		s, recs := filled(b, open, 1)
		benchUpdate(b, s, recs[0])
	})
	b.Run("Create", func(b *testing.B) { benchCreate(b, open(b)) })
	b.Run("CreateParallel", func(b *testing.B) { benchCreateParallel(b, open(b)) })
}

// filled returns a store from open holding n typical records, and the
// records.
func filled(b *testing.B, open func(b *testing.B) sessiond.Store, n int) (sessiond.Store, []*sessiond.Record) {
	b.Helper()
	s := open(b)
	recs := make([]*sessiond.Record, n)
	for i := range recs {
		recs[i] = TypicalRecord(uint64(i))
		if err := s.Create(b.Context(), recs[i]); err != nil {
			b.Fatalf("Create: %v", err)
		}
	}
	return s, recs
}

// benchFind looks up recs in turn, 7 apart.
func benchFind(b *testing.B, s sessiond.Store, recs []*sessiond.Record) {
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok, err := s.Find(ctx, recs[i%len(recs)].TokenHash); !ok || err != nil {
			b.Fatalf("Find: got (%t, %v), want the record", ok, err)
		}
		i += 7
	}
}

// benchFindParallel is benchFind from many goroutines at once.
func benchFindParallel(b *testing.B, s sessiond.Store, recs []*sessiond.Record) {
	ctx := b.Context()
	var next atomic.Int64
	b.SetParallelism(benchParallelism)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(1))
		for pb.Next() {
			if _, ok, err := s.Find(ctx, recs[i%len(recs)].TokenHash); !ok || err != nil {
				b.Errorf("Find: got (%t, %v), want the record", ok, err)
				return
			}
			i += 7
		}
	})
}

// nopAuditor drops events: the benchmarks measure the store.
type nopAuditor struct{}

func (nopAuditor) Audit(context.Context, sessiond.Event) {}

// benchLoad validates one token through a Manager whose clock stands
// still, so that no touch is due.
func benchLoad(b *testing.B, s sessiond.Store) {
	at := time.Now()
	m, err := sessiond.New(s, sessiond.Config{Auditor: nopAuditor{}, Now: func() time.Time { return at }})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	_, tok, err := m.LoginToken(ctx, sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Load(ctx, tok, sessiond.Client{}); err != nil {
			b.Fatalf("Load: %v", err)
		}
	}
}

// benchTouch touches rec with touch, each call a microsecond later.
func benchTouch(b *testing.B, rec *sessiond.Record, touch func(ctx context.Context, at time.Time) error) {
	at := rec.LastSeenAt
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Microsecond)
		if err := touch(ctx, at); err != nil {
			b.Fatalf("touch: %v", err)
		}
	}
}

// benchUpdate rotates rec's token over and over, with compare-and-swap.
func benchUpdate(b *testing.B, s sessiond.Store, rec *sessiond.Record) {
	ctx := b.Context()
	cur := rec
	n := uint64(1 << 40) // apart from TypicalRecord's hashes
	b.ReportAllocs()
	for b.Loop() {
		next := *cur
		next.Retired = []sessiond.RetiredToken{{Hash: cur.TokenHash, GraceUntil: cur.LastSeenAt}}
		next.TokenHash = SequentialHash(n)
		next.Version++
		n++
		if err := s.Update(ctx, &next, cur.Version); err != nil {
			b.Fatalf("Update: %v", err)
		}
		cur = &next
	}
}

// benchCreate stores new typical records into a growing store. Making each
// record is timed too: pausing the timer would cost far more.
func benchCreate(b *testing.B, s sessiond.Store) {
	ctx := b.Context()
	b.ReportAllocs()
	var i uint64
	for b.Loop() {
		if err := s.Create(ctx, TypicalRecord(i)); err != nil {
			b.Fatalf("Create: %v", err)
		}
		i++
	}
}

// benchCreateParallel is benchCreate from many goroutines at once.
func benchCreateParallel(b *testing.B, s sessiond.Store) {
	ctx := b.Context()
	var next atomic.Uint64
	b.SetParallelism(benchParallelism)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Create(ctx, TypicalRecord(next.Add(1))); err != nil {
				b.Errorf("Create: %v", err)
				return
			}
		}
	})
}
