package demo

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/throttle"
)

// Config is what the demo site runs on.
type Config struct {
	// Manager runs the site's sessions; Users holds its accounts.
	Manager *sessiond.Manager
	Users   *Users
	// ReauthMaxAge is how recent a login must be for sensitive actions.
	ReauthMaxAge time.Duration
	// IdleTimeout is shown to users; it is the Manager's.
	IdleTimeout time.Duration
	// Passwords are the parameters of new password hashes; zero means
	// pwhash.DefaultParams. Cheaper ones are for tests only.
	Passwords pwhash.Params
	// CSRFKey signs form tokens and pre-session cookies; nil means a
	// random key. Other forms of the site (the admin UI) share it, as they
	// share the pre-session cookie.
	CSRFKey []byte
	// Throttle slows down password guessing; nil means one of the site's
	// own with a random key. Other login forms of the site share it, as
	// they share its device cookie.
	Throttle *throttle.Throttle
	// Now is the clock of TOTP codes; nil means time.Now.
	Now func() time.Time
}

// Site is the demo site.
type Site struct {
	cfg      Config
	csrf     *csrf.Protection
	throttle *throttle.Throttle
	signups  *throttle.Limiter // per client address
	pages    pages
	handler  http.Handler
}

// New builds the site. Its handler runs the session middleware itself.
func New(cfg Config) *Site {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Passwords == (pwhash.Params{}) {
		cfg.Passwords = pwhash.DefaultParams
	}
	s := &Site{cfg: cfg, pages: parsePages()}
	s.csrf = csrf.New(csrf.Config{Key: cfg.CSRFKey, SessionID: sessionID})
	s.throttle = cfg.Throttle
	if s.throttle == nil {
		s.throttle = throttle.New(throttle.Config{Now: cfg.Now})
	}
	s.signups = throttle.NewLimiter(throttle.LimiterConfig{Now: cfg.Now})
	s.handler = cfg.Manager.Handler(s.csrf.Handler(s.routes()))
	return s
}

// ServeHTTP serves the site.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// sessionID is the id CSRF tokens are bound to: any session's, pending
// ones included, or "" for a pre-session.
func sessionID(r *http.Request) string {
	if sess := sessiond.FromContextAny(r.Context()); sess != nil {
		return sess.ID()
	}
	return ""
}

// routes lists every page.
func (s *Site) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /signup", s.signupForm)
	mux.HandleFunc("POST /signup", s.signup)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /login/mfa", s.mfaLoginForm)
	mux.HandleFunc("POST /login/mfa", s.mfaLogin)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /api/me", s.me)
	mux.HandleFunc("GET /reauth", s.reauthForm)
	mux.HandleFunc("POST /reauth", s.reauth)
	mux.Handle("GET /account", s.signedIn(s.account))
	mux.Handle("GET /account/sessions", s.signedIn(s.sessions))
	mux.Handle("POST /account/sessions/revoke", s.fresh("/account/sessions", s.revokeSession))
	mux.Handle("POST /account/sessions/revoke-others", s.fresh("/account/sessions", s.revokeOthers))
	mux.Handle("GET /account/password", s.fresh("/account/password", s.passwordForm))
	mux.Handle("POST /account/password", s.fresh("/account/password", s.changePassword))
	mux.Handle("GET /account/mfa", s.fresh("/account/mfa", s.mfaForm))
	mux.Handle("GET /account/mfa/qr.png", s.fresh("/account/mfa", s.mfaQR))
	mux.Handle("POST /account/mfa", s.fresh("/account/mfa", s.enrolMFA))
	return mux
}

// signedIn lets through requests with an active session of an enabled
// user and sends the others where they can get one.
func (s *Site) signedIn(h http.HandlerFunc) http.Handler {
	return sessiond.Guard{}.Handler(s.enabled(h))
}

// enabled ends the session of a user who was disabled or deleted while it
// was in use (R31): disabling revokes the user's sessions, and this check
// also catches one that a login racing the disable made.
func (s *Site) enabled(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if user, ok := s.cfg.Users.ByID(sessiond.FromContext(r.Context()).UserID()); !ok || user.Disabled {
			s.cfg.Manager.Logout(r.Context())
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// fresh demands a login no older than ReauthMaxAge (R39, R40); a browser
// that must re-authenticate comes back to page.
func (s *Site) fresh(page string, h http.HandlerFunc) http.Handler {
	g := sessiond.Guard{MaxAge: s.cfg.ReauthMaxAge}
	g.Deny = func(w http.ResponseWriter, r *http.Request, err error) {
		target := "/login"
		switch {
		case errors.Is(err, sessiond.ErrReauthRequired):
			target = "/reauth?next=" + url.QueryEscape(page)
		case errors.Is(err, sessiond.ErrPending):
			target = "/login/mfa"
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, target, http.StatusSeeOther)
	}
	return g.Handler(s.enabled(h))
}
