package server

import (
	"context"
	"net/http"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/api"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/apikey"
	"github.com/sessiond/sessiond/forwarded"
	"github.com/sessiond/sessiond/secheaders"
)

// Handler returns every route of the service, with security headers on
// every response: the API (behind API keys; GET /v1/forward-auth also
// takes a key of the forward-auth scope), the JWKS document of
// forward-auth's assertions, the health checks and, when
// extra is given, its routes (the demo site) for every path the service
// does not own. Behind --trusted-proxies every layer sees the scheme the
// client used, as a trusted proxy's X-Forwarded-Proto names it.
func (a *App) Handler(extra http.Handler) http.Handler {
	mux := http.NewServeMux()
	v1 := api.Handler(api.Config{
		Manager: a.Manager, Audit: a.Store, Observe: a.Metrics.ObserveValidation,
		ForwardAuth: api.ForwardAuth{
			Proxies: a.Config.TrustedProxies, LoginURL: a.Config.ForwardAuthLoginURL, ReauthURL: a.Config.ForwardAuthReauthURL,
			ReturnOrigins: a.Config.ForwardAuthReturnOrigins, Signer: a.Signer, Now: a.Config.Now,
		},
	})
	mux.Handle("/v1/forward-auth", a.Keys.RequireScope(apikey.ForwardAuth, v1))
	mux.Handle("/v1/", a.Keys.Require(v1))
	mux.HandleFunc("GET /.well-known/jwks.json", a.Signer.JWKS)
	mux.Handle("GET /metrics", a.Keys.Require(a.Metrics.Handler()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.ready)
	if extra != nil {
		mux.Handle("/", extra)
	}
	h := secheaders.New(secheaders.Config{}).Handler(redirectForwardedHTTP(mux))
	return forwarded.Proxies(a.Config.TrustedProxies).Handler(h)
}

// redirectForwardedHTTP sends to HTTPS the requests that a trusted proxy
// says came over plain HTTP (secheaders.RedirectHTTPS: 308 for GET and
// HEAD, 400 for the rest), and serves the others as they come: over TLS,
// through a trusted proxy over HTTPS, or, with --insecure-http, straight
// from a client such as a backend calling the API or a health check.
// Since only a proxy's own "http" leads there, a proxy that terminates TLS
// and says "https" (or nothing) never sees a redirect loop.
func redirectForwardedHTTP(next http.Handler) http.Handler {
	redirect := secheaders.RedirectHTTPS(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if forwarded.Proto(r) == "http" {
			redirect.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
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
