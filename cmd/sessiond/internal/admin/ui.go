package admin

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/notfound"
	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/secheaders"
)

// maxFormBytes bounds a request body: the UI's forms are small.
const maxFormBytes = 64 << 10

// contentSecurityPolicy allows the UI's own stylesheet and nothing else:
// no script, no image, no frame, no form to another origin.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// UI is the admin UI, an http.Handler for the paths under Prefix. Make it
// with New and Close it when done.
type UI struct {
	cfg     Config
	store   *memstore.Store
	ops     *sessiond.Manager
	csrf    *csrf.Protection
	pages   pages
	handler http.Handler
}

// New returns the admin UI of cfg. It returns an error when Manager or
// Operators is missing or another field is invalid.
func New(cfg Config) (*UI, error) {
	if cfg.Manager == nil || cfg.Operators == nil {
		return nil, errors.New("admin: Config.Manager and Config.Operators are required")
	}
	cfg = cfg.withDefaults()
	u := &UI{cfg: cfg, store: memstore.New(memstore.Config{Now: cfg.Now})}
	var err error
	if u.ops, err = u.newOperatorManager(); err != nil {
		u.store.Close()
		return nil, fmt.Errorf("admin: %w", err)
	}
	if u.csrf, err = u.newProtection(); err != nil {
		u.store.Close()
		return nil, err
	}
	if u.pages, err = parsePages(); err != nil {
		u.store.Close()
		return nil, err
	}
	u.handler = u.middleware(u.routes())
	return u, nil
}

// ServeHTTP serves the admin UI.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.handler.ServeHTTP(w, r)
}

// Close ends every operator session and stops their store's sweeper.
func (u *UI) Close() error {
	return u.store.Close()
}

// newProtection makes the CSRF protection of the UI's forms, turning
// csrf.New's panic on a bad configuration into an error.
func (u *UI) newProtection() (p *csrf.Protection, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("admin: %v", r)
		}
	}()
	return csrf.New(csrf.Config{
		Key:            u.cfg.CSRFKey,
		SessionID:      sessionID,
		TrustedOrigins: u.cfg.TrustedOrigins,
		MaxFormBytes:   maxFormBytes,
		DenyHandler:    http.HandlerFunc(u.denied),
		Now:            u.cfg.Now,
		Rand:           u.cfg.Rand,
	}), nil
}

// middleware wraps the routes: security headers, no caching, a bounded
// body, the operator session, then the CSRF check of every unsafe request.
func (u *UI) middleware(routes http.Handler) http.Handler {
	h := u.csrf.Handler(routes)
	h = u.ops.Handler(h)
	h = limitBody(h)
	h = noStore(h)
	return secheaders.New(secheaders.Config{ContentSecurityPolicy: contentSecurityPolicy}).Handler(h)
}

// routes are the UI's pages and actions.
func (u *UI) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/login", u.loginPage)
	mux.HandleFunc("POST /admin/login", u.login)
	mux.HandleFunc("POST /admin/logout", u.logout)
	mux.Handle("GET /admin/static/", staticFiles())
	mux.Handle("GET /admin/{$}", u.operator(u.sessionsPage))
	mux.Handle("POST /admin/sessions/revoke", u.operator(u.revokeSession))
	mux.Handle("POST /admin/users/revoke", u.operator(u.revokeUser))
	mux.Handle("POST /admin/sessions/revoke-all", u.operator(u.revokeEverything))
	if u.cfg.Audit != nil {
		mux.Handle("GET /admin/audit", u.operator(u.auditPage))
	}
	if u.cfg.Users != nil {
		mux.Handle("GET /admin/users", u.operator(u.usersPage))
		mux.Handle("POST /admin/users/disable", u.operator(u.disableUser))
		mux.Handle("POST /admin/users/enable", u.operator(u.enableUser))
	}
	return notfound.Wrap(mux, http.HandlerFunc(u.notFound))
}

// noStore marks every response "Cache-Control: no-store": every page is
// an operator's own.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds every request body to maxFormBytes.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		next.ServeHTTP(w, r)
	})
}
