package sessiond

import (
	"errors"
	"net/http"
)

// Handler is the session middleware. It loads the session of the request's
// cookie (or, with Config.AcceptBearer, of its Authorization header) into
// the request context, where [FromContext] finds it and [Manager.Login]
// replaces it; an invalid token makes the request anonymous and expires the
// cookie.
//
// Before the first byte of the response it writes pending data changes and
// sets the cookie; every response that carries a session or a cookie gets
// "Cache-Control: no-store" and "Vary: Cookie". A request that only reads
// the session never rewrites it: activity is recorded by a touch at most
// once per Config.TouchInterval.
//
// When the store fails, the request is refused with Config.ErrorHandler
// (503 by default): never served as anonymous, never as authenticated. A
// client past Config.InvalidTokenLimit is answered 429 while it keeps
// presenting invalid tokens.
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := m.start(r)
		if errors.Is(err, ErrThrottled) {
			w.Header().Set("Retry-After", "60")
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		if err != nil {
			m.cfg.ErrorHandler.ServeHTTP(w, r)
			return
		}
		h.w = commitWriter{ResponseWriter: w, h: h, r: r}
		h.Context = r.Context()
		next.ServeHTTP(&h.w, r.WithContext(h))
		h.w.begin()
	})
}

// start reads the request's token and loads its session into a holder.
func (m *Manager) start(r *http.Request) (*holder, error) {
	h := &holder{m: m, client: m.Client(r)}
	tok, found := "", false
	if m.cfg.AcceptBearer {
		tok, found = bearerToken(r.Header)
		h.bearer = found
	}
	if !found {
		tok, found = cookieValue(r.Header, m.cfg.CookieName)
	}
	if !found {
		return h, nil
	}
	newTok, err := m.load(r.Context(), tok, h.client, !h.bearer, &h.loaded)
	switch {
	case errors.Is(err, ErrThrottled):
		return nil, err
	case errors.Is(err, ErrInvalidToken):
		h.clear = !h.bearer
		return h, nil
	case err != nil:
		return nil, err
	}
	h.adopt(&h.loaded, newTok)
	return h, nil
}
