package browser

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/devcert"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/server"
)

// demoServer is "sessiond demo" running in-process.
type demoServer struct {
	// base is the site's origin, https://localhost:PORT: the development
	// certificate names localhost, and __Host- cookies need a host name
	// the browser treats as secure.
	base string
	// addr is the listener's address, for raw connections.
	addr string
	// logs holds everything the server logged, audit events included.
	logs *syncBuffer
	// operator and password sign in to the admin UI: the first operator,
	// made when the data directory was.
	operator, password string
	// certFile is the development certificate, PEM.
	certFile string
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// shiftedClock is the real time plus an offset that a test moves forward,
// to skip a TOTP step or a re-authentication window instead of waiting.
type shiftedClock struct{ offset atomic.Int64 }

// Now returns the shifted time.
func (c *shiftedClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Advance moves the clock forward by d.
func (c *shiftedClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// startServer builds the service as "sessiond demo" does, on a bolt store
// in a temporary data directory, with args added to the command line and
// its sessions and TOTP codes on clock (nil: the real time), and serves it
// until the test ends.
func startServer(t *testing.T, clock *shiftedClock, args ...string) *demoServer {
	t.Helper()
	dir := t.TempDir()
	argv := append([]string{"--data-dir", dir, "--addr", "127.0.0.1:0", "--log-level", "info"}, args...)
	cfg, err := config.Parse("demo", argv, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if clock != nil {
		cfg.Now = clock.Now
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	app, err := server.Build(ctx, cfg, server.NewLogger(logs, cfg.LogLevel))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := app.Listen() // port 0: the kernel picks a free one
	if err != nil {
		cancel()
		app.Close()
		t.Fatal(err)
	}
	sites, operator, password, err := app.Sites(true) // the demo site and the admin UI
	if err != nil {
		cancel()
		ln.Close()
		app.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln, app.Handler(sites)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		app.Close()
	})
	port := ln.Addr().(*net.TCPAddr).Port
	return &demoServer{
		base: fmt.Sprintf("https://localhost:%d", port), addr: ln.Addr().String(), logs: logs,
		operator: operator, password: password, certFile: filepath.Join(dir, devcert.CertFile),
	}
}

// TestServer_PlainHTTP_R11 sends plain HTTP to the HTTPS listener: it is
// refused without a cookie or any content.
func TestServer_PlainHTTP_R11(t *testing.T) {
	srv := startServer(t, nil)
	for _, req := range []string{
		"GET /account HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		"GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		"POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 27\r\nConnection: close\r\n\r\nusername=a&password=bbbbbbb",
	} {
		line, _, _ := strings.Cut(req, "\r\n")
		t.Run(line, func(t *testing.T) {
			resp := rawHTTP(t, srv.addr, req)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || len(resp.Header.Values("Set-Cookie")) != 0 {
				t.Errorf("got %d with Set-Cookie %q, want 400 and no cookie", resp.StatusCode, resp.Header.Values("Set-Cookie"))
			}
			if strings.Contains(string(body), "<form") || strings.Contains(string(body), "csrf_token") {
				t.Errorf("plain HTTP was served content: %q", body)
			}
		})
	}
}

// rawHTTP writes req on a plain TCP connection to addr and reads the
// answer.
func rawHTTP(t *testing.T, addr, req string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	if resp == nil {
		t.Fatal("no answer")
	}
	return resp
}
