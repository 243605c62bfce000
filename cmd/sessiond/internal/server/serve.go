package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/devcert"
)

// shutdownGrace is how long in-flight requests get to finish at shutdown.
const shutdownGrace = 20 * time.Second

// Listen opens the listener: TLS with the configured or the development
// certificate, or plain TCP with --insecure-http.
func (a *App) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil || a.Config.InsecureHTTP {
		return ln, err
	}
	cert, err := a.certificate()
	if err != nil {
		ln.Close()
		return nil, err
	}
	return tls.NewListener(ln, devcert.TLSConfig(cert)), nil
}

// certificate loads --tls-cert and --tls-key, or the development one.
func (a *App) certificate() (tls.Certificate, error) {
	if a.Config.TLSCert != "" {
		return tls.LoadX509KeyPair(a.Config.TLSCert, a.Config.TLSKey)
	}
	return devcert.Load(a.Config.DataDir, time.Now())
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
