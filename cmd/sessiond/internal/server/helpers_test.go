package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
)

// newApp builds sessiond on the memory store in dir with the given extra
// flags, and closes it when t ends.
func newApp(t *testing.T, dir string, flags ...string) *App {
	t.Helper()
	args := append([]string{"--data-dir", dir, "--store", "memory://"}, flags...)
	cfg, err := config.Parse("demo", args, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	app, err := Build(t.Context(), cfg, NewLogger(io.Discard, "error"))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Cleanup(func() { app.Close() })
	return app
}

// serve serves h with app on its --addr until t ends, and returns the
// address it listens on.
func serve(t *testing.T, app *App, h http.Handler) string {
	t.Helper()
	ln, err := app.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln, h) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}
