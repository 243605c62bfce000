package server

import (
	"bytes"
	"io"
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
