package sessiond

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Errors of a [Guard]'s check.
var (
	// ErrNoSession is returned when a request has no session.
	ErrNoSession = errors.New("sessiond: no session")
	// ErrPending is returned when a session's login is half-finished: a
	// second factor is due.
	ErrPending = errors.New("sessiond: login not finished")
	// ErrReauthRequired is returned when a session must re-authenticate:
	// its last proof is too old or too weak for the route, or the anomaly
	// policy demands it.
	ErrReauthRequired = errors.New("sessiond: re-authentication required")
)

// Guard protects routes that need a session of some strength. Its zero
// value demands an active session; MaxAge and Methods demand a fresh or a
// stronger one, for sensitive actions (changing a password, an email, a
// second factor), and also that the request hold the session's current
// token: a rotated-out token inside its grace window serves only the
// routes that need no more than a session ([ErrStaleToken]).
type Guard struct {
	// MaxAge is how long ago the user may have last proved who they are
	// (the session's auth_time). Zero means any time.
	MaxAge time.Duration
	// Methods must all be among the methods of that proof (e.g. "totp").
	Methods []string

	// LoginURL, MFAURL and ReauthURL are where the default deny sends a
	// browser without a session, with a half-finished login, and with a
	// session that must re-authenticate. Defaults "/login", "/login/mfa"
	// and "/reauth".
	LoginURL, MFAURL, ReauthURL string
	// Deny answers a refused request. The default sends a browser (a
	// request that accepts text/html) to the page that fixes it, with the
	// path it asked for in "next" (which that page reads back with
	// [NextPath]), and answers anything else 401 with
	// {"error": reason}, reason being one of "unauthenticated",
	// "mfa_required" and "reauth_required".
	Deny func(w http.ResponseWriter, r *http.Request, err error)
}

// RequireAuth lets through only requests with an active session.
func RequireAuth(next http.Handler) http.Handler { return Guard{}.Handler(next) }

// RequireFresh returns a middleware that demands a login or
// re-authentication no older than maxAge.
func RequireFresh(maxAge time.Duration) func(http.Handler) http.Handler {
	return Guard{MaxAge: maxAge}.Handler
}

// RequireMethods returns a middleware that demands a proof by every one of
// methods, e.g. RequireMethods("totp").
func RequireMethods(methods ...string) func(http.Handler) http.Handler {
	return Guard{Methods: methods}.Handler
}

// Check reports why the request's session does not meet the guard, or nil.
func (g Guard) Check(r *http.Request) error {
	s := FromContextAny(r.Context())
	if s == nil {
		return ErrNoSession
	}
	return g.CheckSession(s)
}

// CheckSession reports why s does not meet the guard, or nil: Check for a
// session loaded outside the middleware ([Manager.Load]), by a service
// that judges requests for another server.
func (g Guard) CheckSession(s *Session) error {
	rec := s.record()
	switch {
	case rec.state() == StatePending:
		return ErrPending
	case rec.state() == StateReauthRequired:
		return ErrReauthRequired
	case g.MaxAge > 0 && s.m.now().Sub(rec.AuthTime) > g.MaxAge:
		return ErrReauthRequired
	case (g.MaxAge > 0 || len(g.Methods) > 0) && !s.holdsCurrent():
		return ErrStaleToken
	}
	for _, m := range g.Methods {
		if !slices.Contains(rec.AuthMethods, m) {
			return ErrReauthRequired
		}
	}
	return nil
}

// Handler lets through the requests that pass Check and denies the rest.
func (g Guard) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.Check(r); err != nil {
			g.deny(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// deny answers a refused request with Deny or the default.
func (g Guard) deny(w http.ResponseWriter, r *http.Request, err error) {
	if g.Deny != nil {
		g.Deny(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		target := g.page(err) + "?next=" + url.QueryEscape(r.URL.RequestURI())
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	json.NewEncoder(w).Encode(map[string]string{"error": GuardReason(err)})
}

// page is where a browser goes to fix err.
func (g Guard) page(err error) string {
	switch {
	case errors.Is(err, ErrPending):
		return orString(g.MFAURL, "/login/mfa")
	case errors.Is(err, ErrReauthRequired):
		return orString(g.ReauthURL, "/reauth")
	}
	return orString(g.LoginURL, "/login")
}

// GuardReason names a guard's error for machines: "unauthenticated",
// "mfa_required" or "reauth_required".
func GuardReason(err error) string {
	switch {
	case errors.Is(err, ErrPending):
		return "mfa_required"
	case errors.Is(err, ErrReauthRequired):
		return "reauth_required"
	}
	return "unauthenticated"
}

// NextPath returns where a login or re-authentication page sends the
// user once done: next, the path the default deny of a [Guard] put in the
// page's "next" parameter, when it is a path of this site, and fallback
// otherwise. A value that could lead to another site is never returned,
// so that the page cannot be made an open redirect: an absolute or
// scheme-relative URL ("https://evil", "//evil"), a backslash ("/\evil",
// which browsers read as "//evil"), or a control character (which
// browsers drop, so that "/\t/evil" is "//evil").
func NextPath(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(c rune) bool { return c == '\\' || unicode.IsControl(c) }) {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}

// orString returns d when s is empty.
func orString(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
