package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/devcert"
)

// shutdownGrace is how long in-flight requests get to finish at shutdown.
const shutdownGrace = 20 * time.Second

// Started is a sessiond ready to serve: its app, its listener, its
// handler, and the first operator account when this start made it.
type Started struct {
	App      *App
	Listener net.Listener
	Handler  http.Handler
	// Operator and Password are the account made for the admin UI on
	// this start, to show once; both are empty when there was one.
	Operator, Password string
}

// Start makes everything that serve (demo false) or demo (true) serves,
// failing before it writes anything on the common mistakes: it takes the
// address first, Build then reads the TLS files and opens the store
// before it makes any key, and only then come the certificate and the
// sites' files.
func Start(ctx context.Context, cfg config.Config, demo bool, log *slog.Logger) (*Started, error) {
	ln, err := listenTCP(cfg.Addr)
	if err != nil {
		return nil, err
	}
	app, err := Build(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &Started{App: app}
	if s.Listener, err = app.secure(ln); err == nil {
		var sites http.Handler
		sites, s.Operator, s.Password, err = app.Sites(demo)
		s.Handler = app.Handler(sites)
	}
	if err != nil {
		ln.Close()
		app.Close()
		return nil, err
	}
	return s, nil
}

// Listen opens the listener of --addr: TLS with the configured or the
// development certificate, or plain TCP with --insecure-http.
func (a *App) Listen() (net.Listener, error) {
	ln, err := listenTCP(a.Config.Addr)
	if err != nil {
		return nil, err
	}
	secured, err := a.secure(ln)
	if err != nil {
		ln.Close()
	}
	return secured, err
}

// listenTCP takes addr.
func listenTCP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--addr: %w", err)
	}
	return ln, nil
}

// secure returns ln serving TLS, HTTP/2 or HTTP/1.1 as the client offers
// by ALPN, and answering plain HTTP with a hint to use https://; with
// --insecure-http it returns ln as it is.
func (a *App) secure(ln net.Listener) (net.Listener, error) {
	if a.Config.InsecureHTTP {
		return ln, nil
	}
	cert, err := a.certificate()
	if err != nil {
		return nil, err
	}
	return tls.NewListener(hintListener{ln}, devcert.TLSConfig(cert)), nil
}

// UsesDevCert reports whether the app serves HTTPS with the development
// certificate of the data directory: no --tls-cert, no --insecure-http.
func (a *App) UsesDevCert() bool {
	return a.cert == nil && !a.Config.InsecureHTTP
}

// DevCertPath is the file of the development certificate.
func (a *App) DevCertPath() string {
	return filepath.Join(a.Config.DataDir, devcert.CertFile)
}

// certificate returns the certificate of --tls-cert and --tls-key, or the
// development one.
func (a *App) certificate() (tls.Certificate, error) {
	if a.cert != nil {
		return *a.cert, nil
	}
	return devcert.Load(a.Config.DataDir, time.Now())
}

// userCertificate loads --tls-cert and --tls-key, naming the flag of a
// file that cannot be read; it returns nil when they are not given.
func userCertificate(cfg config.Config) (*tls.Certificate, error) {
	if cfg.TLSCert == "" {
		return nil, nil
	}
	certPEM, err := os.ReadFile(cfg.TLSCert)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert: %w", err)
	}
	keyPEM, err := os.ReadFile(cfg.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("--tls-key: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert and --tls-key: %w", err)
	}
	return &cert, nil
}

// Serve serves h on ln until ctx ends, then lets in-flight requests finish
// and returns.
func (a *App) Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}
