package demo

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/forwardauth"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/notfound"
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
	// ReturnOrigins are the origins of the sites behind forward-auth that
	// a login or re-authentication may return to, when its page is asked
	// for with rd (or next) naming one of their pages; any other target
	// that is not a path of this site is ignored.
	ReturnOrigins forwardauth.Origins
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

// routes lists every page; any other path gets the site's 404 page.
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
	mux.Handle("GET /account", s.signedIn("/account", s.account))
	mux.Handle("GET /account/sessions", s.signedIn("/account/sessions", s.sessions))
	mux.Handle("POST /account/sessions/revoke", s.fresh("/account/sessions", s.revokeSession))
	mux.Handle("POST /account/sessions/revoke-others", s.fresh("/account/sessions", s.revokeOthers))
	mux.Handle("GET /account/password", s.fresh("/account/password", s.passwordForm))
	mux.Handle("POST /account/password", s.fresh("/account/password", s.changePassword))
	mux.Handle("GET /account/mfa", s.fresh("/account/mfa", s.mfaForm))
	mux.Handle("GET /account/mfa/qr.png", s.fresh("/account/mfa", s.mfaQR))
	mux.Handle("POST /account/mfa", s.fresh("/account/mfa", s.enrolMFA))
	return notfound.Wrap(mux, http.HandlerFunc(s.notFound))
}

// signedIn lets through requests with an active session of an enabled
// user and sends the others where they can get one, to come back to page.
func (s *Site) signedIn(page string, h http.HandlerFunc) http.Handler {
	return s.guard(sessiond.Guard{}, page, h)
}

// enabled ends the session of a user who was disabled or deleted while it
// was in use (R31): disabling revokes the user's sessions, and this check
// also catches one that a login racing the disable made.
func (s *Site) enabled(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if user, ok := s.cfg.Users.ByID(sessiond.FromContext(r.Context()).UserID()); !ok || user.Disabled {
			s.cfg.Manager.Logout(r.Context())
			s.toLogin(w, r, "")
			return
		}
		h(w, r)
	}
}

// fresh demands a login no older than ReauthMaxAge (R39, R40); a browser
// that must re-authenticate or sign in comes back to page.
func (s *Site) fresh(page string, h http.HandlerFunc) http.Handler {
	return s.guard(sessiond.Guard{MaxAge: s.cfg.ReauthMaxAge}, page, h)
}

// guard lets through the requests of an enabled user that pass g and
// sends the others to the page that fixes what is missing: the login, its
// second step or the re-authentication. A login or re-authentication
// comes back to page; a request with a token its session has replaced
// (another request's rotation) does not.
func (s *Site) guard(g sessiond.Guard, page string, h http.HandlerFunc) http.Handler {
	g.Deny = func(w http.ResponseWriter, r *http.Request, err error) {
		w.Header().Set("Cache-Control", "no-store")
		switch {
		case errors.Is(err, sessiond.ErrReauthRequired):
			http.Redirect(w, r, "/reauth?next="+url.QueryEscape(page), http.StatusSeeOther)
		case errors.Is(err, sessiond.ErrPending):
			http.Redirect(w, r, "/login/mfa", http.StatusSeeOther)
		case errors.Is(err, sessiond.ErrNoSession):
			s.toLogin(w, r, page)
		default: // a token that is no longer the session's (ErrStaleToken)
			s.toLogin(w, r, "")
		}
	}
	return g.Handler(s.enabled(h))
}

// toLogin sends a browser without a session to the login page, to come
// back to next ("" for the account page). A browser that was signed out
// on this device gets the login page's notice that says so.
func (s *Site) toLogin(w http.ResponseWriter, r *http.Request, next string) {
	q := url.Values{}
	if next != "" {
		q.Set("next", next)
	}
	if s.signedOut(r) {
		q.Set("done", signedOutNotice)
	}
	target := "/login"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// signedOut reports whether r came with a session cookie but has no
// session: the browser was signed out on this device, by a logout or a
// revocation elsewhere, a timeout or a disabled account (the middleware
// has expired its cookie in the answer). The reasons look the same (R49),
// and the browser learns only about its own cookie: nothing about any
// account. The cookie is read as the middleware reads it, under the
// Manager's cookie name.
func (s *Site) signedOut(r *http.Request) bool {
	_, sent := s.cfg.Manager.CookieToken(r)
	return sent && sessiond.FromContextAny(r.Context()) == nil
}
