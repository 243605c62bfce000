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
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
)

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// newClock returns a clock for one test.
func newClock() *clock { return fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) }

// auditLog records audit events.
type auditLog struct {
	mu     sync.Mutex
	events []sessiond.Event
}

func (a *auditLog) Audit(_ context.Context, e sessiond.Event) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
}

// last returns the last event of type t, and whether there was one.
func (a *auditLog) last(t sessiond.EventType) (sessiond.Event, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.events) - 1; i >= 0; i-- {
		if a.events[i].Type == t {
			return a.events[i], true
		}
	}
	return sessiond.Event{}, false
}

// env is a Manager on a memstore with a fake clock and a recorded audit log.
type env struct {
	m     *sessiond.Manager
	store *memstore.Store
	clock *clock
	audit *auditLog
}

// newEnv makes an env; cfg's Now and Auditor are replaced.
func newEnv(t *testing.T, cfg sessiond.Config) *env {
	t.Helper()
	e := &env{clock: newClock(), audit: &auditLog{}}
	e.store = memstore.New(memstore.Config{Now: e.clock.Now})
	t.Cleanup(func() { e.store.Close() })
	cfg.Now, cfg.Auditor = e.clock.Now, e.audit
	m, err := sessiond.New(e.store, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.m = m
	return e
}

// login creates a session for user outside the middleware.
func (e *env) login(t *testing.T, user string) (*sessiond.Session, string) {
	t.Helper()
	s, tok, err := e.m.LoginToken(context.Background(), sessiond.LoginInfo{
		UserID:  user,
		Methods: []string{"pwd"},
		Client:  sessiond.Client{IP: "192.0.2.1", UserAgent: "test-agent"},
	})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	return s, tok
}

// valid reports whether tok loads a session.
func (e *env) valid(t *testing.T, tok string) bool {
	t.Helper()
	_, _, err := e.m.Load(context.Background(), tok, sessiond.Client{})
	return err == nil
}

// app is a small application behind the middleware:
//
//	POST /login?user=U[&remember=1]  logs U in
//	GET  /me                         200 with the user id, 401 anonymous
//	POST /logout                     logs out
//	POST /set?k=K&v=V                sets data K to V
//	GET  /get?k=K                    the value of K
//	POST /renew                      rotates the token
func (e *env) app() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		_, err := e.m.Login(r.Context(), sessiond.LoginInfo{
			UserID:     r.FormValue("user"),
			Methods:    []string{"pwd"},
			Persistent: r.FormValue("remember") == "1",
		})
		if err != nil {
			http.Error(w, "login failed", http.StatusBadRequest)
		}
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		s := sessiond.FromContext(r.Context())
		if s == nil {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(s.UserID()))
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := e.m.Logout(r.Context()); err != nil {
			http.Error(w, "logout failed", http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("POST /set", func(w http.ResponseWriter, r *http.Request) {
		s := sessiond.FromContext(r.Context())
		if s == nil {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		if err := s.Set(r.FormValue("k"), r.FormValue("v")); err != nil {
			http.Error(w, "bad key", http.StatusBadRequest)
		}
	})
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) {
		s := sessiond.FromContext(r.Context())
		if s == nil {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		v, _ := sessiond.Get[string](s, r.FormValue("k"))
		w.Write([]byte(v))
	})
	mux.HandleFunc("POST /renew", func(w http.ResponseWriter, r *http.Request) {
		if _, err := sessiond.FromContext(r.Context()).Renew(r.Context()); err != nil {
			http.Error(w, "renew failed", http.StatusInternalServerError)
		}
	})
	return e.m.Handler(mux)
}

// do sends one request to h with the session cookie tok (none if empty).
func do(h http.Handler, method, target, tok string) *http.Response {
	r := httptestRequest(method, target)
	if tok != "" {
		r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: tok})
	}
	return serve(h, r)
}

// sessionCookie returns the session cookie a response set, or nil.
func sessionCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == sessiond.DefaultCookieName {
			return c
		}
	}
	return nil
}

// body reads a response body as a string.
func body(res *http.Response) string {
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// sessionConfig is the default configuration used by most tests.
func sessionConfig() sessiond.Config { return sessiond.Config{} }

// httptestRequest makes a request from a fixed client.
func httptestRequest(method, target string) *http.Request {
	r := httptest.NewRequest(method, "https://example.test"+target, nil)
	r.RemoteAddr = "192.0.2.1:4321"
	r.Header.Set("User-Agent", "test-agent")
	return r
}

// serve runs r through h and returns the response.
func serve(h http.Handler, r *http.Request) *http.Response {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

// browser keeps the session cookie across requests, as a browser would.
type browser struct {
	h   http.Handler
	tok string
	// last is the session cookie of the last response that set one.
	last *http.Cookie
}

// do sends a request with the current cookie and keeps any new one.
func (b *browser) do(method, target string) *http.Response {
	res := do(b.h, method, target, b.tok)
	if c := sessionCookie(res); c != nil {
		b.last = c
		b.tok = c.Value
		if c.MaxAge < 0 {
			b.tok = ""
		}
	}
	return res
}

// countingStore counts the writes that reach a store.
type countingStore struct {
	sessiond.Store
	mu               sync.Mutex
	touches, updates int
}

func (c *countingStore) Touch(ctx context.Context, id string, seen, idle time.Time) error {
	c.mu.Lock()
	c.touches++
	c.mu.Unlock()
	return c.Store.Touch(ctx, id, seen, idle)
}

func (c *countingStore) Update(ctx context.Context, rec *sessiond.Record, version int64) error {
	c.mu.Lock()
	c.updates++
	c.mu.Unlock()
	return c.Store.Update(ctx, rec, version)
}

func (c *countingStore) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.touches, c.updates = 0, 0
}

func (c *countingStore) writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.touches + c.updates
}
