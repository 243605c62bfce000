package sessiond_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// brokenEnv is an env whose Manager runs on a failingStore, with the
// default error handler logging to the returned buffer (JSON lines).
func brokenEnv(t *testing.T) (*env, *failingStore, *bytes.Buffer, string) {
	t.Helper()
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	broken := &failingStore{Store: e.store}
	var log bytes.Buffer
	m, err := sessiond.New(broken, sessiond.Config{Now: e.clock.Now, Auditor: e.audit, ErrorLog: slog.New(slog.NewJSONHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.m = m
	return e, broken, &log, tok
}

// A store failure reaches the log with its cause, never with the token
// (R51, R53).
func TestErrorHandler_DefaultLogsTheCause_R51_R53(t *testing.T) {
	e, broken, log, tok := brokenEnv(t)
	broken.fail.Store(true)
	if res := do(e.app(), "GET", "/me", tok); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("store down: status %d, want 503", res.StatusCode)
	}
	line := log.String()
	for _, want := range []string{`"level":"ERROR"`, errDown.Error(), `"path":"/me"`} {
		if !strings.Contains(line, want) {
			t.Errorf("log record %q lacks %s", line, want)
		}
	}
	if strings.Contains(line, tok) {
		t.Errorf("log record %q holds the token", line)
	}
}

// Under an outage the default handler logs a few records a second and
// says how many it left out.
func TestErrorHandler_DefaultLogIsBounded(t *testing.T) {
	e, broken, log, tok := brokenEnv(t)
	broken.fail.Store(true)
	h := e.app()
	for range 50 {
		do(h, "GET", "/me", tok)
	}
	if n := strings.Count(log.String(), "\n"); n != 5 {
		t.Errorf("50 refusals in one second logged %d records, want 5", n)
	}
	e.clock.Advance(time.Second)
	log.Reset()
	do(h, "GET", "/me", tok)
	if !strings.Contains(log.String(), `"suppressed":45`) {
		t.Errorf("the next second's record %q does not count the 45 left out", log.String())
	}
}

// A custom handler sees the cause of every refusal: the store's error, and
// ErrThrottled for a client past the invalid-token limit (R51, R54).
func TestErrorHandler_SeesTheCause_R51_R54(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	broken := &failingStore{Store: e.store}
	var seen []error
	m, err := sessiond.New(broken, sessiond.Config{
		Now: e.clock.Now, Auditor: e.audit, InvalidTokenLimit: 1,
		ErrorHandler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, sessiond.ErrorFrom(r))
			http.Error(w, "custom", http.StatusTeapot)
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.m = m
	h := e.app()
	broken.fail.Store(true)
	if res := do(h, "GET", "/me", tok); res.StatusCode != http.StatusTeapot {
		t.Errorf("store down: status %d, want the custom handler's 418", res.StatusCode)
	}
	broken.fail.Store(false)
	do(h, "GET", "/me", "bad-1")
	if res := do(h, "GET", "/me", "bad-2"); res.StatusCode != http.StatusTeapot {
		t.Errorf("throttled: status %d, want the custom handler's 418", res.StatusCode)
	}
	if len(seen) != 2 || !errors.Is(seen[0], errDown) || !errors.Is(seen[1], sessiond.ErrThrottled) {
		t.Errorf("the handler saw %v, want the store's error then ErrThrottled", seen)
	}
	if res := do(h, "GET", "/me", tok); res.StatusCode != http.StatusOK || sessiond.ErrorFrom(httptestRequest("GET", "/")) != nil {
		t.Errorf("a valid session from the throttled client = %d, want 200", res.StatusCode)
	}
}
