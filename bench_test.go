package sessiond_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
)

// discard is a ResponseWriter that keeps nothing, so that benchmarks
// measure the middleware rather than a recorder. Like net/http's own
// writer, it takes strings without a copy.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header               { return d.h }
func (d *discard) Write(b []byte) (int, error)       { return len(b), nil }
func (d *discard) WriteString(s string) (int, error) { return len(s), nil }
func (d *discard) WriteHeader(int)                   {}

// benchEnv is a Manager on a memstore with one live session.
func benchEnv(b *testing.B, cfg sessiond.Config) (*sessiond.Manager, *clock, string) {
	clk := newClock()
	store := memstore.New(memstore.Config{Now: clk.Now})
	b.Cleanup(func() { store.Close() })
	cfg.Now, cfg.Auditor = clk.Now, nopAuditor{}
	m, err := sessiond.New(store, cfg)
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := m.LoginToken(context.Background(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		b.Fatal(err)
	}
	return m, clk, tok
}

type nopAuditor struct{}

func (nopAuditor) Audit(context.Context, sessiond.Event) {}

// okHandler answers every request with a short body, reading the session
// when there is one.
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if s := sessiond.FromContext(r.Context()); s != nil {
		_ = s.UserID()
	}
	io.WriteString(w, "ok")
})

// BenchmarkReadPath is a request through the middleware: cookie → validated
// session in the context → handler, with no write.
func BenchmarkReadPath(b *testing.B) {
	m, _, tok := benchEnv(b, sessiond.Config{})
	h := m.Handler(okHandler)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "theme=dark; "+sessiond.DefaultCookieName+"="+tok)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// BenchmarkPlainHandler is the same request without the middleware.
func BenchmarkPlainHandler(b *testing.B) {
	r := httptest.NewRequest("GET", "/", nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		okHandler.ServeHTTP(w, r)
	}
}

// BenchmarkLoad validates a token, without HTTP.
func BenchmarkLoad(b *testing.B) {
	m, _, tok := benchEnv(b, sessiond.Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Load(ctx, tok, sessiond.Client{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTouch validates a token whose touch is due on every load.
func BenchmarkTouch(b *testing.B) {
	// Deadlines far away, so that a long run never expires or rotates.
	far := 1e6 * time.Hour
	m, clk, tok := benchEnv(b, sessiond.Config{AbsoluteTimeout: far, RotateEvery: far})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		clk.Advance(sessiond.DefaultIdleTimeout / 100)
		if _, _, err := m.Load(ctx, tok, sessiond.Client{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLogin creates a session.
func BenchmarkLogin(b *testing.B) {
	m, _, _ := benchEnv(b, sessiond.Config{})
	ctx := context.Background()
	info := sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.LoginToken(ctx, info); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHTTP compares requests per second over loopback HTTP, with and
// without the session middleware.
func BenchmarkHTTP(b *testing.B) {
	m, _, tok := benchEnv(b, sessiond.Config{})
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"plain", okHandler}, {"session", m.Handler(okHandler)}} {
		b.Run(c.name, func(b *testing.B) {
			srv := httptest.NewServer(c.h)
			defer srv.Close()
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			var once sync.Once
			b.SetParallelism(16)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req, _ := http.NewRequest("GET", srv.URL, nil)
				req.Header.Set("Cookie", sessiond.DefaultCookieName+"="+tok)
				for pb.Next() {
					res, err := client.Do(req)
					if err != nil {
						once.Do(func() { b.Error(err) })
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			})
		})
	}
}

// BenchmarkGuard is a fresh-login check on a request that carries a
// session, without the middleware that loaded it.
func BenchmarkGuard(b *testing.B) {
	m, _, tok := benchEnv(b, sessiond.Config{})
	inner := sessiond.RequireFresh(time.Hour)(okHandler)
	var req *http.Request
	m.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { req = r })).ServeHTTP(&discard{h: http.Header{}}, cookieRequest(tok))
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		inner.ServeHTTP(w, req)
	}
}

// cookieRequest is a GET carrying tok in the session cookie.
func cookieRequest(tok string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", sessiond.DefaultCookieName+"="+tok)
	return r
}

// boundBenchEnv is benchEnv with device binding on and the session bound
// to an ES256 key: it returns the browser, its cookies set.
func boundBenchEnv(b *testing.B) (*sessiond.Manager, *dbscBrowser) {
	cfg := bindingConfig()
	clk := newClock()
	store := memstore.New(memstore.Config{Now: clk.Now})
	b.Cleanup(func() { store.Close() })
	cfg.Now, cfg.Auditor = clk.Now, nopAuditor{}
	m, err := sessiond.New(store, cfg)
	if err != nil {
		b.Fatal(err)
	}
	login := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.Login(r.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	})
	br := newBrowser(b, m.Handler(login), "ES256", "alice")
	br.mustRegister()
	return m, br
}

// BenchmarkReadPathBound is BenchmarkReadPath with device binding on, for
// a session bound to a device and, as the base to compare it with, one of
// the same client that is not: the bound cookie is checked against the
// record the middleware loaded, with no other store call.
func BenchmarkReadPathBound(b *testing.B) {
	m, bound := boundBenchEnv(b)
	unbound := newBrowser(b, bound.h, "ES256", "bob")
	for _, c := range []struct {
		name   string
		cookie string
	}{
		{"unbound", unbound.token + "; " + boundName + "=" + bound.bound},
		{"bound", bound.token + "; " + boundName + "=" + bound.bound},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := m.Handler(okHandler)
			r := httptestRequest("GET", "/")
			r.Header.Set("Cookie", "theme=dark; "+sessiond.DefaultCookieName+"="+c.cookie)
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
			}
		})
	}
}

// BenchmarkDeviceRegistration is a login and the registration of an
// ES256 key: its verification and the write that stores it.
func BenchmarkDeviceRegistration(b *testing.B) {
	_, br := boundBenchEnv(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		nb := newBrowser(b, br.h, "ES256", "alice")
		proof := nb.dev.registration(b, nb.challenge, nb.authz)
		b.StartTimer()
		if res := nb.register(proof); res.StatusCode != http.StatusOK {
			b.Fatalf("registration: %d", res.StatusCode)
		}
	}
}

// BenchmarkDeviceRefresh is a refresh with a challenge issued ahead: the
// ES256 verification, the compare-and-swap write and the new cookie.
func BenchmarkDeviceRefresh(b *testing.B) {
	_, br := boundBenchEnv(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		proof := br.dev.refresh(b, br.challenge)
		b.StartTimer()
		if res := br.refresh(proof); res.StatusCode != http.StatusOK {
			b.Fatalf("refresh: %d", res.StatusCode)
		}
	}
}
