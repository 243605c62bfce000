package csrf

import (
	"context"
	"net/http"
)

// Check applies every check to r and returns nil if it may proceed, or the
// reason it must be refused: [ErrCrossOrigin], [ErrNoOrigin],
// [ErrNullOrigin], [ErrMissingToken] or [ErrBadToken].
//
// Safe methods (GET, HEAD, OPTIONS) pass untouched, as do requests that
// match Config.InsecureBypassPatterns. Any other method must come from the
// site's own origin (or a trusted one) and carry a token bound to the
// request's session or pre-session, in the Config.HeaderName header or, for
// an application/x-www-form-urlencoded or multipart/form-data body, in the
// Config.FieldName field. Reading the field parses the body (bounded by
// Config.MaxFormBytes) into r.PostForm or r.MultipartForm, where the
// application finds it as usual. The URL query and cookies are never read
// for the token.
//
// Check does not call the deny handler.
func (p *Protection) Check(r *http.Request) error {
	return p.check(nil, r)
}

// Handler returns a handler that runs [Protection.Check] before next, and
// answers a refused request with Config.DenyHandler instead.
//
// Put it inside the session middleware, so that SessionID sees the
// request's session.
func (p *Protection) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.check(w, r); err != nil {
			ctx := context.WithValue(r.Context(), reasonKey{}, err)
			p.cfg.DenyHandler.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// check is Check with the response writer, when there is one, so that an
// oversized body can close the connection.
func (p *Protection) check(w http.ResponseWriter, r *http.Request) error {
	if safeMethod(r.Method) || p.origins.bypassed(r) {
		return nil
	}
	if err := p.origins.check(r); err != nil {
		return err
	}
	return p.checkToken(w, r)
}

// checkToken refuses r unless it carries a token bound to its session or
// pre-session.
func (p *Protection) checkToken(w http.ResponseWriter, r *http.Request) error {
	tok, err := p.requestToken(w, r)
	if err != nil {
		return err
	}
	if tok == "" {
		return ErrMissingToken
	}
	want, ok := p.expected(r)
	if !ok || !matches(tok, &want) {
		return ErrBadToken
	}
	return nil
}

// safeMethod reports whether m is one of the methods that must never
// change state. Anything else, including methods in unusual case, is
// checked.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// reasonKey is the context key of the error that made Handler refuse a
// request.
type reasonKey struct{}

// DenyReason returns the error that made [Protection.Handler] refuse r,
// for a Config.DenyHandler that logs it, or nil outside a deny handler.
// Show it to no one but the operator.
func DenyReason(r *http.Request) error {
	err, _ := r.Context().Value(reasonKey{}).(error)
	return err
}
