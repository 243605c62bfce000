package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/devcert"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/server"
	"github.com/sessiond/sessiond/fakeclock"
)

// portal is sessiond demo, the login portal behind a proxy, run in this
// process by server.Start as the demo command runs it, on a fake clock.
type portal struct {
	addr     string // 127.0.0.1:PORT
	dir      string // its data directory
	full     string // a full API key
	proxyKey string // a key of the forward-auth scope
	clock    *fakeclock.Clock
	api      *service // the API, called with the full key
	// operator and password sign in to the admin UI.
	operator, password string
}

// startPortal starts the demo with a memory store, trusting proxies on
// 127.0.0.1 and letting forward-auth send users back to appOrigin.
func startPortal(t *testing.T, appOrigin string) *portal {
	t.Helper()
	p := &portal{dir: t.TempDir(), full: "e2e-" + rand.Text(), proxyKey: "e2e-proxy-" + rand.Text(), clock: fakeclock.New(time.Now())}
	keys := p.full + "\n" + p.proxyKey + " forward-auth\n"
	if err := os.WriteFile(filepath.Join(p.dir, "api-keys"), []byte(keys), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--data-dir", p.dir, "--addr", "127.0.0.1:0", "--store", "memory://",
		"--trusted-proxies", "127.0.0.1/32", "--forward-auth-return-origins", appOrigin}
	cfg, err := config.Parse("demo", args, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	cfg.Now = p.clock.Now
	s, err := server.Start(t.Context(), cfg, true, server.NewLogger(io.Discard, "warn"))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.App.Serve(ctx, s.Listener, s.Handler) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
		s.App.Close()
	})
	p.addr = s.Listener.Addr().String()
	p.operator, p.password = s.Operator, s.Password
	p.api = &service{base: "https://" + p.addr, key: p.full, client: newClient(t, p.dir), seen: &tokens{}}
	return p
}

// echoApp is the upstream app: it answers every request with the
// headers it received, as JSON, names as they arrived.
func echoApp(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(r.Header)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// testCert makes a self-signed certificate for localhost and 127.0.0.1
// in dir, the development certificate's kind, and returns the paths of
// its certificate and key files.
func testCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	if _, err := devcert.Load(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, devcert.CertFile), filepath.Join(dir, devcert.KeyFile)
}

// fillTemplate reads a configuration file of docs/forward-auth and fills
// in its placeholders; it fails when one is unknown or left unfilled.
func fillTemplate(t *testing.T, name string, values map[string]string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "forward-auth", name))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for k, v := range values {
		if !strings.Contains(text, "{{"+k+"}}") {
			t.Fatalf("%s has no placeholder {{%s}}", name, k)
		}
		text = strings.ReplaceAll(text, "{{"+k+"}}", v)
	}
	if i := strings.Index(text, "{{"); i >= 0 {
		t.Fatalf("%s: a placeholder is left: %.40s", name, text[i:])
	}
	return text
}

// proxied is a proxy started in front of the portal and the app.
type proxied struct {
	origin string // https://127.0.0.1:PORT, the app's origin
	roots  *x509.CertPool
	pgid   int // the proxy's process group: its master and workers
	portal *portal
	// rotates: the proxy passes a rotated token on to the browser and
	// asks with rotate=1; otherwise with rotate=0.
	rotates bool
}

// proxyCommand is a reverse proxy to start: its binary, how to run it
// with the files it was given in dir, and how it stops.
type proxyCommand struct {
	name string
	bin  string
	args []string
	env  []string
	dir  string
	stop syscall.Signal
}

// startProxy runs the proxy, in a process group of its own, until t ends
// and waits until addr answers TLS handshakes with a certificate that the
// pool roots returns trusts (nil while there is none). It returns that
// pool and the process group.
func startProxy(t *testing.T, pc proxyCommand, addr string, roots func() *x509.CertPool) (*x509.CertPool, int) {
	t.Helper()
	cmd := exec.Command(pc.bin, pc.args...)
	cmd.Dir, cmd.Env = pc.dir, append(os.Environ(), pc.env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", pc.name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(pc.stop)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", pc.name, out.Bytes())
			for _, log := range []string{"error.log", "caddy.log"} {
				if b, err := os.ReadFile(filepath.Join(pc.dir, log)); err == nil {
					t.Logf("%s:\n%s", log, b)
				}
			}
		}
	})
	deadline := time.Now().Add(startWait)
	for {
		select {
		case <-exited:
			t.Fatalf("%s exited before it listened:\n%s", pc.name, out.Bytes())
		default:
		}
		if pool := roots(); pool != nil {
			conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool})
			if err == nil {
				conn.Close()
				return pool, cmd.Process.Pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not serve TLS on %s within %v:\n%s", pc.name, addr, startWait, out.Bytes())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// poolOf is a pool of the certificates of a PEM file, or nil while the
// file cannot be read.
func poolOf(file string) *x509.CertPool {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil
	}
	return pool
}

// lookProxy finds a proxy's binary, or skips the test saying why.
func lookProxy(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts " + name + ": not under -short")
	}
	for _, p := range []string{name, "/usr/sbin/" + name, "/usr/bin/" + name} {
		if bin, err := exec.LookPath(p); err == nil {
			return bin
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed, and CI must run the forward-auth tests through it", name)
	}
	t.Skipf("%s is not installed (.ci/run installs Debian's nginx and caddy): the forward-auth tests through it do not run", name)
	return ""
}

// startNginx starts nginx with docs/forward-auth/nginx.conf in front of
// a new portal and app.
func startNginx(t *testing.T) *proxied {
	t.Helper()
	bin := lookProxy(t, "nginx")
	dir := t.TempDir()
	addr := freeAddr(t)
	p := &proxied{origin: "https://" + addr, rotates: true}
	p.portal = startPortal(t, p.origin)
	certFile, keyFile := testCert(t, dir)
	site := fillTemplate(t, "nginx.conf", map[string]string{
		"LISTEN": addr, "SERVER_NAME": "127.0.0.1",
		"TLS_CERT": certFile, "TLS_KEY": keyFile,
		"APP": strings.TrimPrefix(echoApp(t).URL, "http://"), "APP_ORIGIN": p.origin,
		"SESSIOND": p.portal.addr, "SESSIOND_NAME": "localhost",
		"SESSIOND_CA": filepath.Join(p.portal.dir, devcert.CertFile), "KEY": p.portal.proxyKey,
	})
	os.WriteFile(filepath.Join(dir, "site.conf"), []byte(site), 0o600)
	// What the docs' file leaves to the main configuration: the process,
	// its files in dir, and the user of the workers (root when the tests
	// run as root, so that they can read dir).
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	main := user + "worker_processes 1;\npid nginx.pid;\nerror_log error.log info;\nevents { worker_connections 512; }\nhttp {\n" +
		"    access_log off;\n    client_body_temp_path tmp/body;\n    proxy_temp_path tmp/proxy;\n" +
		"    fastcgi_temp_path tmp/fastcgi;\n    uwsgi_temp_path tmp/uwsgi;\n    scgi_temp_path tmp/scgi;\n" +
		"    include site.conf;\n}\n"
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o600)
	os.Mkdir(filepath.Join(dir, "tmp"), 0o700)
	p.roots, p.pgid = startProxy(t, proxyCommand{
		name: "nginx", bin: bin, dir: dir, stop: syscall.SIGTERM,
		args: []string{"-p", dir + "/", "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;"},
	}, addr, func() *x509.CertPool { return poolOf(certFile) })
	return p
}

// startCaddy starts Caddy with docs/forward-auth/Caddyfile in front of a
// new portal and app. The test's global options put its state in a
// directory of the test, turn the admin endpoint off, and have Caddy
// serve a certificate of its own local CA, which the browser trusts.
func startCaddy(t *testing.T) *proxied {
	t.Helper()
	bin := lookProxy(t, "caddy")
	dir := t.TempDir()
	addr := freeAddr(t)
	p := &proxied{origin: "https://" + addr}
	p.portal = startPortal(t, p.origin)
	_, httpPort, _ := net.SplitHostPort(freeAddr(t))
	site := fillTemplate(t, "Caddyfile", map[string]string{
		"SITE": p.origin, "APP": strings.TrimPrefix(echoApp(t).URL, "http://"), "APP_ORIGIN": p.origin,
		"SESSIOND": p.portal.addr, "SESSIOND_NAME": "localhost",
		"SESSIOND_CA": filepath.Join(p.portal.dir, devcert.CertFile), "KEY": p.portal.proxyKey,
	})
	global := "{\n\tadmin off\n\tstorage file_system " + filepath.Join(dir, "data") +
		"\n\tlocal_certs\n\tskip_install_trust\n\thttp_port " + httpPort + "\n}\n\n"
	os.WriteFile(filepath.Join(dir, "Caddyfile"), []byte(global+site), 0o600)
	p.roots, p.pgid = startProxy(t, proxyCommand{
		name: "caddy", bin: bin, dir: dir, stop: syscall.SIGTERM,
		args: []string{"run", "--config", filepath.Join(dir, "Caddyfile"), "--adapter", "caddyfile"},
		env:  []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "XDG_DATA_HOME=" + dir},
	}, addr, func() *x509.CertPool {
		return poolOf(filepath.Join(dir, "data", "pki", "authorities", "local", "root.crt"))
	})
	return p
}
