package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/devcert"
)

// serveTLS serves sessiond over TLS with the development certificate on a
// loopback port, and returns its address and a transport that trusts the
// certificate and offers protos by ALPN.
func serveTLS(t *testing.T, protos ...string) (string, *http.Transport) {
	t.Helper()
	dir := t.TempDir()
	app := newApp(t, dir, "--addr", "127.0.0.1:0")
	addr := serve(t, app, app.Handler(nil))
	pem, err := os.ReadFile(filepath.Join(dir, devcert.CertFile))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, NextProtos: protos},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return addr, tr
}

// TestListen_HTTP2 checks that a TLS client that offers h2 by ALPN gets
// HTTP/2, and one that offers only HTTP/1.1 gets that.
func TestListen_HTTP2(t *testing.T) {
	for _, tc := range []struct {
		offer []string
		major int
	}{
		{nil, 2}, // the transport offers h2 and http/1.1
		{[]string{"http/1.1"}, 1},
	} {
		addr, tr := serveTLS(t, tc.offer...)
		if len(tc.offer) > 0 {
			tr.ForceAttemptHTTP2 = false
		}
		res, err := (&http.Client{Transport: tr}).Get("https://" + addr + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.ProtoMajor != tc.major {
			t.Errorf("offering %v: got %d over %s, want 200 over HTTP/%d", tc.offer, res.StatusCode, res.Proto, tc.major)
		}
	}
}

// TestListen_PlainHTTPGetsAHint sends a plain HTTP request, longer than
// one read, to the TLS port: the answer is a 400 that says to use
// https://, repeats nothing of the request, and arrives whole; TLS still
// works on the port afterwards.
func TestListen_PlainHTTPGetsAHint(t *testing.T) {
	addr, tr := serveTLS(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	secret := strings.Repeat("s3cr3t", 1000)
	if _, err := io.WriteString(conn, "GET /account HTTP/1.1\r\nHost: localhost\r\nCookie: "+secret+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if res.StatusCode != http.StatusBadRequest || string(body) != plainHTTPHint || !strings.Contains(string(body), "https://") {
		t.Errorf("got %d %q, want 400 and the hint naming https://", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type: got %q, want text/plain", ct)
	}
	if strings.Contains(string(body), "s3cr3t") || strings.Contains(string(body), "/account") {
		t.Error("the answer repeats the request")
	}
	res2, err := (&http.Client{Transport: tr}).Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("HTTPS after the plain request: %v", err)
	}
	res2.Body.Close()
}

// TestBuild_FailureLeavesNoDataDirectory checks that a start refused for
// a missing TLS file or a store that cannot be opened leaves no data
// directory behind, nor the key files it would have made, and names the
// flag at fault.
func TestBuild_FailureLeavesNoDataDirectory(t *testing.T) {
	tmp := t.TempDir()
	for _, tc := range []struct {
		name  string
		flags []string
		want  string
	}{
		{"missing certificate", []string{"--tls-cert", filepath.Join(tmp, "cert.pem"), "--tls-key", filepath.Join(tmp, "key.pem")}, "--tls-cert: "},
		{"unreachable PostgreSQL", []string{"--store", "postgres://nobody@127.0.0.1:1/x?sslmode=disable"}, "--store postgres"},
		{"unknown store", []string{"--store", "ftp://example"}, "--store"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(tmp, tc.name, "data")
			cfg, err := config.Parse("serve", append([]string{"--data-dir", dir}, tc.flags...), func(string) string { return "" }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Build(t.Context(), cfg, NewLogger(io.Discard, "error"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error naming %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Dir(dir)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: got %v, want no directory left", filepath.Dir(dir), err)
			}
		})
	}
	t.Run("existing directory", func(t *testing.T) {
		dir := t.TempDir()
		cfg, err := config.Parse("serve", []string{"--data-dir", dir, "--store", "ftp://example"}, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Build(t.Context(), cfg, NewLogger(io.Discard, "error")); err == nil {
			t.Fatal("Build with an unknown store: got no error")
		}
		if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
			t.Errorf("got %v %v, want the directory kept, empty", entries, err)
		}
	})
}

// TestStart_AddressInUse checks that a start on an address in use names
// --addr and makes nothing.
func TestStart_AddressInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := filepath.Join(t.TempDir(), "data")
	cfg, err := config.Parse("demo", []string{"--data-dir", dir, "--addr", taken.Addr().String()}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Start(t.Context(), cfg, true, NewLogger(io.Discard, "error")); err == nil || !strings.HasPrefix(err.Error(), "--addr: ") {
		t.Errorf("got %v, want an error naming --addr", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want no data directory", err)
	}
}

// TestBuild_WarnsOfMissingReplicas checks that a Redis store whose URL
// asks each write to wait for a replica, on a server without one, starts
// with a warning that names the setting, and without one when the URL
// does not wait.
func TestBuild_WarnsOfMissingReplicas(t *testing.T) {
	c, err := net.DialTimeout("tcp", "127.0.0.1:6379", time.Second)
	if err != nil {
		t.Skipf("no Redis at 127.0.0.1:6379 (%v); CI provides one", err)
	}
	c.Close()
	for _, tc := range []struct {
		query string
		warn  bool
	}{
		{"&wait=1&wait_timeout=50ms", true},
		{"", false},
	} {
		t.Run(strconv.FormatBool(tc.warn), func(t *testing.T) {
			store := "redis://127.0.0.1:6379/0?prefix=sessiond-test-" + rand.Text()[:8] + ":" + tc.query
			cfg, err := config.Parse("serve", []string{"--data-dir", t.TempDir(), "--store", store}, func(string) string { return "" }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			app, err := Build(t.Context(), cfg, NewLogger(&logs, "warn"))
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			app.Close()
			if got := strings.Contains(logs.String(), "--store's wait"); got != tc.warn {
				t.Errorf("warning logged: %t, want %t; logs:\n%s", got, tc.warn, logs.String())
			}
		})
	}
}
