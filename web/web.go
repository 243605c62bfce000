package web

import (
	"net/http"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/secheaders"
	"github.com/sessiond/sessiond/throttle"
)

// Config tunes a [Site]. The zero value is the secure default: each field
// is the configuration of one layer, whose zero value is that layer's
// default.
type Config struct {
	// CSRF configures the CSRF protection. SessionID may be left nil: the
	// Site binds tokens to the request's session, whatever its state, and
	// anonymous forms to a pre-session. Default csrf.Config{}.
	CSRF csrf.Config
	// Headers configures the security headers. Default
	// secheaders.Config{}.
	Headers secheaders.Config
	// Logins configures the login throttle. Default throttle.Config{}.
	Logins throttle.Config
	// Signups configures the limit on sign-ups per client address.
	// Default throttle.LimiterConfig{}: 10 an hour.
	Signups throttle.LimiterConfig
}

// Site is the browser stack of an application: its sessions, CSRF
// protection, security headers and login throttle. It is immutable and
// safe for concurrent use.
type Site struct {
	sessions *sessiond.Manager
	csrf     *csrf.Protection
	headers  *secheaders.Policy
	logins   *throttle.Throttle
	signups  *throttle.Limiter
}

// New returns the Site of sessions configured by cfg. It panics if
// sessions is nil or a layer refuses its configuration, never at request
// time.
func New(sessions *sessiond.Manager, cfg Config) *Site {
	if sessions == nil {
		panic("web: New needs a *sessiond.Manager")
	}
	if cfg.CSRF.SessionID == nil {
		cfg.CSRF.SessionID = sessionID
	}
	return &Site{
		sessions: sessions,
		csrf:     csrf.New(cfg.CSRF),
		headers:  secheaders.New(cfg.Headers),
		logins:   throttle.New(cfg.Logins),
		signups:  throttle.NewLimiter(cfg.Signups),
	}
}

// sessionID is the id CSRF tokens are bound to: the request's session's,
// a half-finished login or one that must re-authenticate included, or ""
// for an anonymous request.
func sessionID(r *http.Request) string {
	if s := sessiond.FromContextAny(r.Context()); s != nil {
		return s.ID()
	}
	return ""
}

// Handler serves next behind the security headers, the session middleware
// and the CSRF protection, in that order from the outside in (see the
// package documentation).
func (s *Site) Handler(next http.Handler) http.Handler {
	return s.headers.Handler(s.sessions.Handler(s.csrf.Handler(next)))
}

// CSRF returns the CSRF protection, whose TemplateField (or Token) every
// form of the site carries.
func (s *Site) CSRF() *csrf.Protection { return s.csrf }

// BeginLogin starts an attempt to sign in to account, made with r, under
// the login throttle: [throttle.Throttle.Begin] with the client's address
// as the Manager sees it. Call it before checking the password, as
// package throttle says: when it refuses, answer 429 with a generic
// message and a Retry-After of the wait; otherwise defer
// [throttle.Attempt.Release] and end the attempt with Fail or Succeed.
// Re-authentication is a login too.
func (s *Site) BeginLogin(r *http.Request, account string) (*throttle.Attempt, time.Duration, error) {
	return s.logins.Begin(account, s.sessions.Client(r).IP, r)
}

// TakeSignup counts a sign-up from r's client address and reports whether
// it may go ahead ([throttle.Limiter.Take]); when not, answer 429 with a
// generic message and a Retry-After of the wait. Call it before hashing
// the password.
func (s *Site) TakeSignup(r *http.Request) (wait time.Duration, ok bool) {
	return s.signups.Take(s.sessions.Client(r).IP)
}

// Logout ends the request's session on the server, expires its cookie and
// sets Clear-Site-Data, so that the browser forgets the site's cookies,
// storage and cache. Call it before the response is written.
func (s *Site) Logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Logout(r.Context()); err != nil {
		return err
	}
	secheaders.ClearSiteData(w)
	return nil
}
