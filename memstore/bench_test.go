package memstore_test

import (
	"encoding/binary"
	"strconv"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/storetest"
)

// benchRecords is how many records the lookup benchmarks store.
const benchRecords = 10_000

// benchStore returns a store holding n records of typical shape — a user,
// one auth method, one retired token, 128 bytes of data — and the records.
func benchStore(b *testing.B, n int) (*memstore.Store, []*sessiond.Record) {
	b.Helper()
	s := memstore.New(memstore.Config{})
	b.Cleanup(func() { s.Close() })
	recs := make([]*sessiond.Record, n)
	for i := range recs {
		rec := storetest.NewRecord("user-" + strconv.Itoa(i%1000))
		rec.Retired = []sessiond.RetiredToken{{Hash: sequentialHash(uint64(i)), GraceUntil: rec.CreatedAt}}
		rec.Data = make([]byte, 128)
		if err := s.Create(b.Context(), rec); err != nil {
			b.Fatalf("Create: %v", err)
		}
		recs[i] = rec
	}
	return s, recs
}

// sequentialHash returns a token hash made from i, cheaper than a random one.
func sequentialHash(i uint64) sessiond.Hash {
	var h sessiond.Hash
	binary.LittleEndian.PutUint64(h[:], i)
	h[31] = 0xb0 // apart from storetest's random hashes in all but chance
	return h
}

// BenchmarkFind measures the lookup behind every request: of one typical
// record over and over (hot in the cache), of a bare record with no slices
// to copy, and of typical records spread over the store, as
// BenchmarkFindParallel does.
func BenchmarkFind(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	bare := storetest.NewRecord("")
	if err := s.Create(b.Context(), bare); err != nil {
		b.Fatalf("Create: %v", err)
	}
	for _, bc := range []struct {
		name string
		recs []*sessiond.Record
	}{
		{"Typical", recs[:1]},
		{"Bare", []*sessiond.Record{bare}},
		{"Spread", recs},
	} {
		b.Run(bc.name, func(b *testing.B) { benchFind(b, s, bc.recs) })
	}
}

// benchFind looks up recs in turn, 7 apart.
func benchFind(b *testing.B, s *memstore.Store, recs []*sessiond.Record) {
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok, _ := s.Find(ctx, recs[i%len(recs)].TokenHash); !ok {
			b.Fatal("Find: got not found, want the record")
		}
		i += 7
	}
}

// BenchmarkFindParallel measures Find from every processor at once, each
// looking up records spread over the store.
func BenchmarkFindParallel(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	ctx := b.Context()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, ok, _ := s.Find(ctx, recs[i%len(recs)].TokenHash); !ok {
				b.Error("Find: got not found, want the record")
				return
			}
			i += 7
		}
	})
}

// BenchmarkTouch measures the idle touch, each call a little later.
func BenchmarkTouch(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	rec := recs[0]
	at := rec.LastSeenAt
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Microsecond)
		if err := s.Touch(ctx, rec.ID, at, at.Add(30*time.Minute)); err != nil {
			b.Fatalf("Touch: %v", err)
		}
	}
}

// BenchmarkCreate measures storing new typical records into a growing
// store. Making each record (an id and a hash from a counter, a struct copy)
// is timed too: pausing the timer would cost far more than that.
func BenchmarkCreate(b *testing.B) {
	s := memstore.New(memstore.Config{})
	b.Cleanup(func() { s.Close() })
	proto := storetest.NewRecord("alice")
	proto.Data = make([]byte, 128)
	ctx := b.Context()
	b.ReportAllocs()
	var i uint64
	for b.Loop() {
		rec := *proto
		rec.ID = strconv.FormatUint(i, 36)
		rec.TokenHash = sequentialHash(i)
		i++
		if err := s.Create(ctx, &rec); err != nil {
			b.Fatalf("Create: %v", err)
		}
	}
}
