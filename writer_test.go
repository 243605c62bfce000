package sessiond_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/internal/writertest"
	"github.com/sessiond/sessiond/secheaders"
)

// TestWriter_ServerSentEvents streams events through the security headers,
// the sessions and the CSRF check on a real server. The handler finds an
// http.Flusher, as streaming code asserts, and the client reads the first
// event while the handler still waits to send the second. The stream's
// token is due for rotation, so its first flush must carry the new cookie
// and no-store, and save the data set before it.
func TestWriter_ServerSentEvents(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	e.clock.Advance(sessiond.DefaultRotateEvery)
	next, done := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		s := sessiond.FromContext(r.Context())
		f, ok := w.(http.Flusher)
		if s == nil || !ok {
			t.Errorf("session found %t, http.Flusher %t: want both", s != nil, ok)
			http.Error(w, "cannot stream", http.StatusInternalServerError)
			return
		}
		s.Set("stream", "open")
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "data: hello %s\n\n", s.UserID())
		f.Flush()
		select {
		case <-next:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "data: bye\n\n")
		f.Flush()
	})
	srv := httptest.NewServer(stack(e.m, mux))
	defer srv.Close()

	// The timeout only stops a hang; the channels order the test.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/events", nil)
	req.Header.Set("User-Agent", "test-agent")
	req.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: tok})
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	events := bufio.NewReader(res.Body)
	if got := readEvent(t, events); got != "data: hello alice" {
		t.Errorf("first event %q, want %q", got, "data: hello alice")
	}
	select {
	case <-done:
		t.Error("the first event arrived only after the handler had finished")
	default:
	}
	close(next)
	if got := readEvent(t, events); got != "data: bye" {
		t.Errorf("second event %q, want %q", got, "data: bye")
	}

	for name, want := range map[string]string{
		"Content-Type":           "text/event-stream",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	checkCommitted(t, e, res.Header, tok, "stream", "open")
}

// stack puts h behind the layers of a site, outermost first: the security
// headers, the sessions, and the CSRF check with tokens bound to the
// session's public id.
func stack(m *sessiond.Manager, h http.Handler) http.Handler {
	p := csrf.New(csrf.Config{SessionID: func(r *http.Request) string {
		if s := sessiond.FromContextAny(r.Context()); s != nil {
			return s.ID()
		}
		return ""
	}})
	return secheaders.New(secheaders.Config{}).Handler(m.Handler(p.Handler(h)))
}

// readEvent reads one server-sent event, without its closing blank line.
func readEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var lines []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading an event: %v (read %q)", err, lines)
		}
		if line = strings.TrimSuffix(line, "\n"); line == "" {
			return strings.Join(lines, "\n")
		}
		lines = append(lines, line)
	}
}

// TestWriter_CommitsBeforeLeaving checks that each way a response can
// begin other than a body write commits the session first: its data is
// saved, and the rotated cookie and no-store are in the header the client
// gets.
func TestWriter_CommitsBeforeLeaving(t *testing.T) {
	for _, c := range writertest.Begins {
		t.Run(c.Name, func(t *testing.T) {
			e := newEnv(t, sessionConfig())
			_, tok := e.login(t, "alice")
			e.clock.Advance(sessiond.DefaultRotateEvery)
			var err error
			h := e.m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sessiond.FromContext(r.Context()).Set("k", "v")
				err = c.Begin(w)
			}))
			w := writertest.NewRecorder()
			r := httptestRequest("GET", "/")
			r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: tok})
			h.ServeHTTP(w, r)
			if err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			checkCommitted(t, e, w.Sent(), tok, "k", "v")
		})
	}
}

// checkCommitted checks that the header h a client got says no-store and
// replaces the session token tok with a rotated one, whose session holds
// the data key = want that the handler set before the response began.
func checkCommitted(t *testing.T, e *env, h http.Header, tok, key, want string) {
	t.Helper()
	if got := h.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", got)
	}
	c := sessionCookie(&http.Response{Header: h})
	if c == nil || c.Value == tok {
		t.Fatalf("session cookie %v, want the rotated token", c)
	}
	s, _, err := e.m.Load(t.Context(), c.Value, sessiond.Client{})
	if err != nil {
		t.Fatalf("rotated token: %v", err)
	}
	if got, _ := sessiond.Get[string](s, key); got != want {
		t.Errorf("%s set before the response began: got %q, want %q", key, got, want)
	}
}

// TestWriter_HijackRefused checks that Hijack reports a writer that cannot
// hijack with http.ErrNotSupported, and hands nothing over when the
// session cannot be saved: the error handler has answered instead.
func TestWriter_HijackRefused(t *testing.T) {
	t.Run("not supported", func(t *testing.T) {
		e := newEnv(t, sessionConfig())
		var err error
		h := e.m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h, ok := w.(http.Hijacker); ok {
				_, _, err = h.Hijack()
			}
		}))
		serve(h, httptestRequest("GET", "/"))
		if !errors.Is(err, http.ErrNotSupported) {
			t.Errorf("Hijack on a recorder: got %v, want http.ErrNotSupported", err)
		}
	})
	t.Run("commit fails", func(t *testing.T) {
		e := newEnv(t, sessionConfig())
		_, tok := e.login(t, "alice")
		broken := &failingStore{Store: e.store}
		m, _ := sessiond.New(broken, sessiond.Config{Now: e.clock.Now, Auditor: e.audit, ErrorLog: slog.New(slog.DiscardHandler)})
		var err error
		h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sessiond.FromContext(r.Context()).Set("k", "v")
			broken.fail.Store(true)
			if h, ok := w.(http.Hijacker); ok {
				_, _, err = h.Hijack()
			}
		}))
		w := writertest.NewRecorder()
		r := httptestRequest("GET", "/")
		r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: tok})
		h.ServeHTTP(w, r)
		if err == nil || w.Hijacked != nil {
			t.Errorf("Hijack with the store down: got error %v, connection taken %t; want an error and no connection", err, w.Hijacked != nil)
		}
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("status %d, want 503", w.Code)
		}
	})
}
