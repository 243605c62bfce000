package server

import (
	"context"
	"net/http"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/api"
	"github.com/sessiond/sessiond/secheaders"
)

// Handler returns every route of the service, with security headers on
// every response: the API (behind API keys), the health checks and, when
// extra is given, its routes (the demo site) for every path the service
// does not own.
func (a *App) Handler(extra http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/", a.Keys.Require(api.Handler(api.Config{Manager: a.Manager, Audit: a.Store, Observe: a.Metrics.ObserveValidation})))
	mux.Handle("GET /metrics", a.Keys.Require(a.Metrics.Handler()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.ready)
	if extra != nil {
		mux.Handle("/", extra)
	}
	return secheaders.New(secheaders.Config{}).Handler(mux)
}

// ready answers 200 when the store answers, 503 when it does not.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	if _, _, err := a.Store.Get(ctx, "readyz-probe"); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}
