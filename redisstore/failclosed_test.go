package redisstore_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/redisstore"
	"github.com/sessiond/sessiond/storetest"
)

// prompt is how long a store call may take to fail when Redis is gone.
const prompt = 3 * time.Second

// nopAuditor drops every event.
type nopAuditor struct{}

func (nopAuditor) Audit(context.Context, sessiond.Event) {}

// okHandler answers 200 "ok".
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })

// serve sends a request with the session cookie tok through h and returns
// the status.
func serve(h http.Handler, tok string) int {
	r := httptest.NewRequest("GET", "https://example.com/", nil)
	r.Header.Set("Cookie", sessiond.DefaultCookieName+"="+tok)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

// storeCalls are one call of each store method, for the outage checks.
func storeCalls(s *redisstore.Store) map[string]func(ctx context.Context) error {
	rec := storetest.NewRecord("bob")
	return map[string]func(ctx context.Context) error{
		"Create": func(ctx context.Context) error { return s.Create(ctx, rec) },
		"Get":    func(ctx context.Context) error { _, _, err := s.Get(ctx, rec.ID); return err },
		"Find":   func(ctx context.Context) error { _, _, err := s.Find(ctx, rec.TokenHash); return err },
		"Update": func(ctx context.Context) error { return s.Update(ctx, rec, rec.Version) },
		"Touch": func(ctx context.Context) error {
			return s.Touch(ctx, rec.ID, rec.LastSeenAt, rec.IdleExpiresAt)
		},
		"Delete":      func(ctx context.Context) error { return s.Delete(ctx, rec.ID) },
		"ListUser":    func(ctx context.Context) error { _, err := s.ListUser(ctx, "bob"); return err },
		"DeleteAll":   func(ctx context.Context) error { _, err := s.DeleteAll(ctx); return err },
		"AppendEvent": func(ctx context.Context) error { return s.AppendEvent(ctx, sessiond.Event{ID: "e"}) },
		"QueryEvents": func(ctx context.Context) error { _, err := s.QueryEvents(ctx, sessiond.EventQuery{}); return err },
	}
}

// wantPromptErrors checks that every store call fails, within prompt,
// with a context that has no deadline of its own. The calls run at once.
func wantPromptErrors(t *testing.T, s *redisstore.Store) {
	t.Helper()
	var wg sync.WaitGroup
	for name, call := range storeCalls(s) {
		wg.Go(func() {
			start := time.Now()
			err := call(context.Background())
			if took := time.Since(start); took > prompt {
				t.Errorf("%s: took %v, want at most %v", name, took, prompt)
			}
			if err == nil {
				t.Errorf("%s: got nil error, want one (Redis is down)", name)
			}
		})
	}
	wg.Wait()
}

// TestFailClosedAndRecover runs a Manager on a Redis of its own, which it
// then stops. A stuck server (SIGSTOP) fails calls promptly even when
// their context has no deadline: by the client's own timeouts for a store
// from NewFromURL, by Config.Timeout for one on a client with the
// library's default timeouts. A dead server fails every call at once, and
// the middleware answers 503. Once the server is back (empty: it keeps
// nothing on disk), a new login and request succeed on the same store and
// Manager.
func TestFailClosedAndRecover(t *testing.T) {
	if !haveRedisServer() {
		t.Skip("redis-server is not on the PATH")
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startServer(t.TempDir(), port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.stop)
	stores := outageStores(t, srv.addr())
	m, err := sessiond.New(stores["NewFromURL"], sessiond.Config{Auditor: nopAuditor{}})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(okHandler)
	tok := login(t, m)
	if got := serve(h, tok); got != http.StatusOK {
		t.Fatalf("before the outage: got status %d, want 200", got)
	}

	t.Run("Stuck", func(t *testing.T) { testStuck(t, stores, srv, h, tok) })
	srv.stop()
	t.Run("Down", func(t *testing.T) {
		for name, s := range stores {
			t.Run(name, func(t *testing.T) { wantPromptErrors(t, s) })
		}
		if got := serve(h, tok); got != http.StatusServiceUnavailable {
			t.Errorf("middleware: got status %d, want 503", got)
		}
	})
	if err := srv.start(); err != nil {
		t.Fatalf("restarting redis-server: %v", err)
	}
	t.Run("Recovered", func(t *testing.T) { testRecovered(t, m, h) })
}

// outageStores returns two stores on the Redis at addr: one made by
// NewFromURL, and one by New on a client with rueidis's default timeouts
// (which would wait 10 seconds for a stuck server).
func outageStores(t *testing.T, addr string) map[string]*redisstore.Store {
	byURL, err := redisstore.NewFromURL(t.Context(), "redis://"+addr)
	if err != nil {
		t.Fatalf("NewFromURL: got error %v, want nil", err)
	}
	t.Cleanup(func() { byURL.Close() })
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, ForceSingleClient: true, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	byClient, err := redisstore.New(redisstore.Config{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*redisstore.Store{"NewFromURL": byURL, "New": byClient}
}

// testStuck freezes the server: a Find with a short deadline fails at the
// deadline, one without within prompt, on either store, and a request
// through the middleware is answered 503 within prompt.
func testStuck(t *testing.T, stores map[string]*redisstore.Store, srv *redisServer, h http.Handler, tok string) {
	if err := srv.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer srv.cmd.Process.Signal(syscall.SIGCONT)
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for _, tc := range []struct {
		store  string
		ctx    context.Context
		within time.Duration
	}{
		{"NewFromURL", short, time.Second},
		{"NewFromURL", context.Background(), prompt},
		{"New", context.Background(), prompt},
	} {
		start := time.Now()
		_, _, err := stores[tc.store].Find(tc.ctx, storetest.NewRecord("").TokenHash)
		took := time.Since(start)
		t.Logf("%s: Find failed after %v: %v", tc.store, took.Round(time.Millisecond), err)
		if err == nil || took > tc.within {
			t.Errorf("%s: Find got error %v after %v, want an error within %v", tc.store, err, took, tc.within)
		}
	}
	start := time.Now()
	got, took := serve(h, tok), time.Since(start)
	t.Logf("middleware: status %d after %v", got, took.Round(time.Millisecond))
	if got != http.StatusServiceUnavailable || took > prompt {
		t.Errorf("middleware: got status %d after %v, want 503 within %v", got, took, prompt)
	}
}

// testRecovered logs in again on the same Manager: Redis came back empty.
func testRecovered(t *testing.T, m *sessiond.Manager, h http.Handler) {
	var tok string
	err := waitFor(5*time.Second, func() error {
		_, tk, err := m.LoginToken(context.Background(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
		tok = tk
		return err
	})
	if err != nil {
		t.Fatalf("Login after the restart: got error %v, want nil", err)
	}
	if got := serve(h, tok); got != http.StatusOK {
		t.Errorf("request after the restart: got status %d, want 200", got)
	}
}

// login logs alice in on m and returns her token.
func login(t *testing.T, m *sessiond.Manager) string {
	t.Helper()
	_, tok, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		t.Fatalf("Login: got error %v, want nil", err)
	}
	return tok
}
