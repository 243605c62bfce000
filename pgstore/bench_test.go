package pgstore_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// BenchmarkStore runs the benchmarks every store shares.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) sessiond.Store {
		return newStore(b, testPool(b), pgstore.Config{SweepInterval: -1})
	})
}

// benchStore returns a store holding storetest.BenchRecords typical
// records, and the records.
func benchStore(b *testing.B) (*pgstore.Store, []*sessiond.Record) {
	b.Helper()
	s := newStore(b, testPool(b), pgstore.Config{SweepInterval: -1})
	recs := make([]*sessiond.Record, storetest.BenchRecords)
	for i := range recs {
		recs[i] = storetest.TypicalRecord(uint64(i))
		if err := s.Create(b.Context(), recs[i]); err != nil {
			b.Fatalf("Create: %v", err)
		}
	}
	return s, recs
}

// BenchmarkBaseline is the floor storetest's Find/Spread is measured against:
// one SELECT by primary key of the same rows, on the same pool, with no
// join and no decoding.
func BenchmarkBaseline(b *testing.B) {
	s, recs := benchStore(b)
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

// BenchmarkHTTP compares requests over loopback HTTP to a handler that does
// one SELECT by primary key per request ("plain") with the same handler
// behind sessiond's middleware on the store ("session"), both on the same
// pool.
func BenchmarkHTTP(b *testing.B) {
	s, recs := benchStore(b)
	m, err := sessiond.New(s, sessiond.Config{Auditor: nopAuditor{}})
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := m.LoginToken(b.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
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
