package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/server"
)

// appService is a service run in this process by server.Build.
type appService struct {
	*service
	app *server.App
	log *syncBuffer
}

// startApp builds sessiond on storeURL with a data directory of its own,
// serves it on a loopback port with the development certificate, and
// stops it when t ends. extra are more command-line flags.
func startApp(t *testing.T, storeURL string, extra ...string) *appService {
	t.Helper()
	dir := t.TempDir()
	key := "e2e-" + rand.Text()
	if err := os.WriteFile(filepath.Join(dir, "api-keys"), []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--data-dir", dir, "--addr", "127.0.0.1:0", "--store", storeURL}, extra...)
	cfg, err := config.Parse("serve", args, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &syncBuffer{}
	app, err := server.Build(t.Context(), cfg, server.NewLogger(logs, "debug"))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	ln, err := app.Listen()
	if err != nil {
		app.Close()
		t.Fatalf("Listen: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln, app.Handler(nil)) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
		if err := app.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &appService{
		service: &service{base: "https://" + ln.Addr().String(), key: key, client: newClient(t, dir), seen: &tokens{}},
		app:     app,
		log:     logs,
	}
}

// checkLogs fails when the logs hold a token the service issued (R53).
func (s *appService) checkLogs(t *testing.T) {
	t.Helper()
	logs := s.log.Bytes()
	for _, tok := range s.seen.list() {
		if bytes.Contains(logs, []byte(tok)) {
			t.Errorf("the logs hold a session token")
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Bytes returns a copy of what was written.
func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
