package pgstore_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// prompt is how soon every call must fail while the server is down.
const prompt = 3 * time.Second

// outage is a Manager on a store on a private server that a test takes
// down and brings back, with one live session.
type outage struct {
	srv   *pgServer
	store *pgstore.Store
	h     http.Handler // the middleware in front of okHandler
	token string
}

// newOutage starts a private server and a Manager on a store on it, and
// logs a user in. cfg is the store's configuration, Pool aside.
func newOutage(t *testing.T, cfg pgstore.Config) *outage {
	t.Helper()
	srv := startServer(t)
	p, err := pgxpool.New(t.Context(), srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	cfg.Pool, cfg.SweepInterval = p, -1
	s, err := pgstore.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	t.Cleanup(func() { s.Close() })
	m, err := sessiond.New(s, sessiond.Config{Auditor: nopAuditor{}})
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		t.Fatalf("Login: got error %v, want nil", err)
	}
	o := &outage{srv: srv, store: s, h: m.Handler(okHandler), token: tok}
	if code := o.serve(); code != http.StatusOK {
		t.Fatalf("request with the server up: got status %d, want 200", code)
	}
	return o
}

// serve sends a request with the session cookie through the middleware
// and returns the status.
func (o *outage) serve() int {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", sessiond.DefaultCookieName+"="+o.token)
	w := httptest.NewRecorder()
	o.h.ServeHTTP(w, r)
	return w.Code
}

// storeCalls are one call of every store method, each returning its error.
var storeCalls = []struct {
	name string
	call func(ctx context.Context, s *pgstore.Store) error
}{
	{"Get", func(ctx context.Context, s *pgstore.Store) error { _, _, err := s.Get(ctx, "x"); return err }},
	{"Find", func(ctx context.Context, s *pgstore.Store) error {
		_, _, err := s.Find(ctx, sessiond.Hash{})
		return err
	}},
	{"ListUser", func(ctx context.Context, s *pgstore.Store) error { _, err := s.ListUser(ctx, "alice"); return err }},
	{"Create", func(ctx context.Context, s *pgstore.Store) error { return s.Create(ctx, storetest.NewRecord("bob")) }},
	{"Update", func(ctx context.Context, s *pgstore.Store) error { return s.Update(ctx, storetest.NewRecord("bob"), 1) }},
	{"Touch", func(ctx context.Context, s *pgstore.Store) error {
		return s.Touch(ctx, "x", time.Now().UTC(), time.Now().UTC().Add(time.Hour))
	}},
	{"Delete", func(ctx context.Context, s *pgstore.Store) error { return s.Delete(ctx, "x") }},
	{"DeleteAll", func(ctx context.Context, s *pgstore.Store) error { _, err := s.DeleteAll(ctx); return err }},
	{"Sweep", func(ctx context.Context, s *pgstore.Store) error { _, err := s.Sweep(ctx); return err }},
	{"AppendEvent", func(ctx context.Context, s *pgstore.Store) error {
		return s.AppendEvent(ctx, sessiond.Event{ID: "e", Time: time.Now(), Type: sessiond.EventCreated})
	}},
	{"QueryEvents", func(ctx context.Context, s *pgstore.Store) error {
		_, err := s.QueryEvents(ctx, sessiond.EventQuery{UserID: "alice"})
		return err
	}},
}

// wantEveryCallFails calls every store method at once, each with ctx, and
// checks that each returns an error within prompt, one matching want if
// want is not nil.
func wantEveryCallFails(t *testing.T, ctx context.Context, s *pgstore.Store, want error) {
	t.Helper()
	var wg sync.WaitGroup
	for _, c := range storeCalls {
		wg.Go(func() {
			start := time.Now()
			err := c.call(ctx, s)
			if took := time.Since(start); err == nil || took > prompt {
				t.Errorf("%s with the server down: got error %v after %v, want an error within %v", c.name, err, took, prompt)
			}
			if want != nil && !errors.Is(err, want) {
				t.Errorf("%s with the server down: got error %v, want one matching %v", c.name, err, want)
			}
		})
	}
	wg.Wait()
}

// wantRefused checks that the middleware answers 503, within prompt.
func (o *outage) wantRefused(t *testing.T) {
	t.Helper()
	start := time.Now()
	code := o.serve()
	if took := time.Since(start); code != http.StatusServiceUnavailable || took > prompt {
		t.Errorf("request with the server down: got status %d after %v, want 503 within %v", code, took, prompt)
	}
}

// wantRecovered waits, within serverWait, for a request to succeed again,
// then checks that the next ones do too and that the store answers, all on
// the same pool, store and Manager.
func (o *outage) wantRecovered(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(serverWait)
	for o.serve() != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatalf("no request succeeded within %v of the server's return", serverWait)
		}
		time.Sleep(50 * time.Millisecond) // polling a server coming back
	}
	for i := range 20 {
		if code := o.serve(); code != http.StatusOK {
			t.Fatalf("request %d after recovery: got status %d, want 200", i, code)
		}
	}
	for _, c := range storeCalls {
		err := c.call(t.Context(), o.store)
		if c.name == "Update" && errors.Is(err, sessiond.ErrConflict) {
			continue // there is no such record: the store answered
		}
		if err != nil {
			t.Errorf("%s after recovery: got error %v, want nil", c.name, err)
		}
	}
}

// TestFailClosedServerStopped stops the server: every store call fails at
// once, the middleware answers 503, and once the server is back requests
// succeed again.
func TestFailClosedServerStopped(t *testing.T) {
	o := newOutage(t, pgstore.Config{})
	o.srv.stop(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // far longer than prompt
	defer cancel()
	wantEveryCallFails(t, ctx, o.store, nil)
	o.wantRefused(t)
	o.srv.start(t)
	o.wantRecovered(t)
}

// TestFailClosedServerHung freezes the server, which then holds its
// connections open and never answers: Config.Timeout bounds every call
// that has no deadline of its own, and a caller's shorter deadline bounds
// it sooner.
func TestFailClosedServerHung(t *testing.T) {
	o := newOutage(t, pgstore.Config{Timeout: time.Second})
	o.srv.freeze(t)
	t.Run("StoreTimeout", func(t *testing.T) {
		wantEveryCallFails(t, context.Background(), o.store, context.DeadlineExceeded)
	})
	t.Run("CallerDeadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, _, err := o.store.Find(ctx, sessiond.Hash{})
		if took := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || took > time.Second/2 {
			t.Errorf("Find with a 200ms deadline: got error %v after %v, want an error within 500ms", err, took)
		}
	})
	t.Run("Middleware", o.wantRefused)
	o.srv.thaw()
	o.wantRecovered(t)
}

// nopAuditor drops every event.
type nopAuditor struct{}

// Audit does nothing.
func (nopAuditor) Audit(context.Context, sessiond.Event) {}

// okHandler answers "ok", reading the request's session if it has one.
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if s := sessiond.FromContext(r.Context()); s != nil {
		_ = s.UserID()
	}
	io.WriteString(w, "ok")
})

// TestNew_UnreachableServer checks that a store on a server nobody
// answers on fails to start with an error that says it could not
// connect, rather than blaming the migrations it never began.
func TestNew_UnreachableServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // a port where nothing listens
	_, err = pgstore.NewFromURL(t.Context(), "postgres://nobody@"+addr+"/x?sslmode=disable&connect_timeout=5", pgstore.Config{})
	if err == nil || !strings.Contains(err.Error(), "pgstore: connecting") || strings.Contains(err.Error(), "migrating") {
		t.Fatalf("got %v, want an error that says pgstore could not connect", err)
	}
}
