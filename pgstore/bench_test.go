package pgstore_test

import (
	"context"
	"encoding/binary"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// benchRecords is how many records the benchmarks store.
const benchRecords = 1000

// benchStore returns a store on the test server holding n records of
// typical shape — a user, one auth method, one retired token, 128 bytes of
// data — and the records.
func benchStore(b *testing.B, n int) (*pgstore.Store, []*sessiond.Record) {
	b.Helper()
	s := newStore(b, testPool(b), pgstore.Config{SweepInterval: -1})
	recs := make([]*sessiond.Record, n)
	for i := range recs {
		rec := storetest.NewRecord("user-" + strconv.Itoa(i%100))
		rec.Retired = []sessiond.RetiredToken{{Hash: sequentialHash(uint64(i)), GraceUntil: rec.CreatedAt}}
		rec.Data = make([]byte, 128)
		if err := s.Create(b.Context(), rec); err != nil {
			b.Fatalf("Create: %v", err)
		}
		recs[i] = rec
	}
	return s, recs
}

// sequentialHash returns a token hash made from i.
func sequentialHash(i uint64) sessiond.Hash {
	var h sessiond.Hash
	binary.LittleEndian.PutUint64(h[:], i)
	h[31] = 0xb0
	return h
}

// BenchmarkBaseline is the floor the store's reads are measured against:
// one SELECT by primary key of the same rows, on the same pool, with no
// join and no decoding.
func BenchmarkBaseline(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	sql := "SELECT rec FROM " + pgx.Identifier{s.Schema(), "sessions"}.Sanitize() + " WHERE id = $1"
	p, ctx := testPool(b), b.Context()
	var raw []byte
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := p.QueryRow(ctx, sql, recs[i%len(recs)].ID).Scan(&raw); err != nil {
			b.Fatal(err)
		}
		i += 7
	}
}

// BenchmarkFind measures the lookup behind every request: the token index
// joined to the session, and the record decoded.
func BenchmarkFind(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
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

// BenchmarkFindParallel measures Find from four goroutines a processor at
// once, over the pool's connections.
func BenchmarkFindParallel(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	ctx := b.Context()
	b.SetParallelism(4)
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

// BenchmarkTouch measures the idle touch, each call a little later, so
// that every one writes.
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

// BenchmarkManagerLoad validates a token through a Manager on the store:
// Find, then the Manager's checks (a touch is due only once per
// TouchInterval, so none happens here).
func BenchmarkManagerLoad(b *testing.B) {
	s, _ := benchStore(b, benchRecords)
	m, err := sessiond.New(s, sessiond.Config{Auditor: nopAuditor{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	_, tok, err := m.Login(ctx, sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Load(ctx, tok, sessiond.Client{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdate measures the compare-and-swap write with its token
// re-indexing, as a rotation does it: a new current hash, the old one
// retired, the oldest dropped.
func BenchmarkUpdate(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	cur := recs[0]
	ctx := b.Context()
	var n uint64 = benchRecords
	b.ReportAllocs()
	for b.Loop() {
		next := *cur
		next.Retired = []sessiond.RetiredToken{{Hash: cur.TokenHash, GraceUntil: cur.LastSeenAt}}
		next.TokenHash = sequentialHash(n)
		next.Version++
		n++
		if err := s.Update(ctx, &next, cur.Version); err != nil {
			b.Fatalf("Update: %v", err)
		}
		cur = &next
	}
}

// BenchmarkHTTP compares requests over loopback HTTP to a handler that does
// one SELECT by primary key per request ("plain") with the same handler
// behind sessiond's middleware on the store ("session"), both on the same
// pool.
func BenchmarkHTTP(b *testing.B) {
	s, recs := benchStore(b, benchRecords)
	m, err := sessiond.New(s, sessiond.Config{Auditor: nopAuditor{}})
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := m.Login(b.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		b.Fatal(err)
	}
	sql := "SELECT rec FROM " + pgx.Identifier{s.Schema(), "sessions"}.Sanitize() + " WHERE id = $1"
	p := testPool(b)
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var raw []byte
		if err := p.QueryRow(r.Context(), sql, recs[0].ID).Scan(&raw); err != nil {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	})
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"plain", plain}, {"session", m.Handler(okHandler)}} {
		b.Run(c.name, func(b *testing.B) { benchHTTP(b, c.h, tok) })
	}
}

// benchHTTP sends requests with the session cookie to h from 16 goroutines
// a processor, failing on any answer but 200.
func benchHTTP(b *testing.B, h http.Handler, tok string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Cookie", sessiond.DefaultCookieName+"="+tok)
		for pb.Next() {
			res, err := client.Do(req)
			if err != nil || res.StatusCode != http.StatusOK {
				b.Errorf("GET: got (%v, %v), want 200", res, err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	})
}
