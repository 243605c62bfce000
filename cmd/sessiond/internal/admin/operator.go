package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/sessiond/sessiond"
)

// userPrefix starts the user id of an operator's sessions and audit events.
const userPrefix = "operator:"

// operator is the operator a request comes from.
type operator struct {
	name    string
	session *sessiond.Session
}

// newOperatorManager makes the manager of operator sessions, on the UI's
// own memory store: they never mix with the application's sessions, never
// show in its lists and survive its "revoke everything". Their lifecycle
// events go to the application's audit trail.
func (u *UI) newOperatorManager() (*sessiond.Manager, error) {
	return sessiond.New(u.store, sessiond.Config{
		CookieName:      CookieName,
		SameSite:        http.SameSiteStrictMode,
		IdleTimeout:     u.cfg.IdleTimeout,
		AbsoluteTimeout: u.cfg.AbsoluteTimeout,
		TrustedProxies:  u.cfg.TrustedProxies,
		Auditor:         managerAuditor{u.cfg.Manager},
		Now:             u.cfg.Now,
		Rand:            u.cfg.Rand,
	})
}

// managerAuditor passes events to a Manager's auditor.
type managerAuditor struct{ m *sessiond.Manager }

// Audit passes e on.
func (a managerAuditor) Audit(ctx context.Context, e sessiond.Event) { a.m.Audit(ctx, e) }

// sessionID is the id CSRF tokens are bound to: the operator session's,
// whatever its state, or "" for a pre-session.
func sessionID(r *http.Request) string {
	if s := sessiond.FromContextAny(r.Context()); s != nil {
		return s.ID()
	}
	return ""
}

// stampKey is the session data that holds the operator's password stamp
// (Operators.Stamp) as it was at login.
const stampKey = "operator_stamp"

// current returns the operator signed in on r. A session whose operator
// has been removed, or whose password has been replaced since the login,
// is ended.
func (u *UI) current(r *http.Request) (operator, bool) {
	s := sessiond.FromContext(r.Context())
	if s == nil {
		return operator{}, false
	}
	name, ok := strings.CutPrefix(s.UserID(), userPrefix)
	stamp, exists := u.cfg.Operators.Stamp(name)
	if at, _ := sessiond.Get[string](s, stampKey); !ok || !exists || at != stamp {
		if err := s.Revoke(r.Context(), sessiond.ReasonRevoked); err != nil {
			u.cfg.Log.Error("admin: ending the session of a removed or changed operator", "error", err)
		}
		return operator{}, false
	}
	return operator{name: name, session: s}, true
}

// operator lets through requests of a signed-in operator and sends the
// others to the login page, with the page they asked for in "next". The
// request's context names the operator as the actor of what it does
// (sessiond.WithActor), so that the audit events of their actions say
// who acted: "operator:<name>", the user id of their own sessions.
func (u *UI) operator(next func(http.ResponseWriter, *http.Request, operator)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, ok := u.current(r)
		if !ok {
			target := "/admin/login"
			if r.Method == http.MethodGet && r.URL.RequestURI() != Prefix {
				target += "?" + url.Values{"next": {r.URL.RequestURI()}}.Encode()
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		next(w, r.WithContext(sessiond.WithActor(r.Context(), userPrefix+op.name)), op)
	})
}

// safeNext returns next when it is a path of the UI, and Prefix otherwise,
// so that the login form cannot be made to send an operator elsewhere.
func safeNext(next string) string {
	next = sessiond.NextPath(next, Prefix)
	if !strings.HasPrefix(next, Prefix) || strings.Contains(next, "//") || strings.HasPrefix(next, "/admin/login") {
		return Prefix
	}
	return next
}
