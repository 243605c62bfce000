package sessiond

import (
	"context"
	"errors"
	"net/http"
	"sync"
)

// ErrHeadersWritten is returned by an operation that would change the
// session cookie after the response has begun, when the cookie can no
// longer be sent.
var ErrHeadersWritten = errors.New("sessiond: response already begun; the session cookie cannot change")

// holderKey is the context key of the request's holder.
type holderKey struct{}

// holder is the middleware's state of one request: its session and what the
// response must say about the cookie. Its methods are safe on a nil holder
// (a session used outside the middleware), where they do nothing.
type holder struct {
	// Context is the request's own: the holder is the context the
	// handler sees, answering for holderKey itself (one allocation less
	// than context.WithValue on every request).
	context.Context

	m      *Manager
	client Client
	bearer bool // the token came in an Authorization header: no cookies
	// w, loaded and cacheHeaders live here to save the request
	// allocations.
	w            commitWriter
	loaded       Session
	cacheHeaders [2]string

	mu        sync.Mutex
	s         *Session
	token     string // a token to send in a cookie
	clear     bool   // expire the cookie
	committed bool
}

// Value answers holderKey with the holder and asks the request's context
// for anything else.
func (h *holder) Value(key any) any {
	if key == (holderKey{}) {
		return h
	}
	return h.Context.Value(key)
}

// holderFrom returns the request's holder, or nil outside the middleware.
func holderFrom(ctx context.Context) *holder {
	h, _ := ctx.Value(holderKey{}).(*holder)
	return h
}

// FromContext returns the request's session when it grants access
// ([StateActive]), or nil: the request is anonymous, its token is invalid,
// its login is half-finished, or it must re-authenticate first. Code that
// guards access needs nothing else.
func FromContext(ctx context.Context) *Session {
	if s := FromContextAny(ctx); s != nil && s.State() == StateActive {
		return s
	}
	return nil
}

// FromContextAny returns the request's session whatever its [State], or
// nil. It is for the pages that finish a login or re-authenticate, and for
// logout; anything that grants access uses [FromContext].
func FromContextAny(ctx context.Context) *Session {
	h := holderFrom(ctx)
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.s
}

// canWrite refuses cookie changes once the response has begun.
func (h *holder) canWrite() error {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.committed && !h.bearer {
		return ErrHeadersWritten
	}
	return nil
}

// adopt makes s the request's session, with tok to send.
func (h *holder) adopt(s *Session, tok string) {
	if h == nil {
		return
	}
	s.h = h
	h.mu.Lock()
	h.s = s
	h.mu.Unlock()
	h.issue(tok)
}

// issue schedules a cookie carrying tok.
func (h *holder) issue(tok string) {
	if h == nil || h.bearer {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.token, h.clear = tok, false
}

// drop forgets s, if it is the request's session, and expires the cookie.
func (h *holder) drop(s *Session) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.s == s {
		h.s = nil
	}
	h.token, h.clear = "", !h.bearer
}

// endCurrent revokes the request's current session, if any.
func (h *holder) endCurrent(ctx context.Context, reason string) error {
	h.mu.Lock()
	s := h.s
	h.mu.Unlock()
	if s == nil {
		return nil
	}
	return s.Revoke(ctx, reason)
}

// commit writes pending data and sets the response's session headers. It
// runs once, before the first byte of the response.
func (h *holder) commit(ctx context.Context, hdr http.Header) error {
	h.mu.Lock()
	h.committed = true
	s, tok, clear := h.s, h.token, h.clear
	h.mu.Unlock()
	if s != nil {
		if err := s.Commit(ctx); err != nil {
			return err
		}
	}
	if s == nil && tok == "" && !clear {
		return nil
	}
	// Authenticated content and cookies must never be stored by a cache.
	vals := h.cacheHeaders[:]
	vals[0], vals[1] = "no-store", "Cookie"
	hdr["Cache-Control"] = vals[0:1:1]
	if vary := hdr["Vary"]; vary != nil {
		hdr["Vary"] = append(vary, vals[1])
	} else {
		hdr["Vary"] = vals[1:2:2]
	}
	switch {
	case tok != "" && s != nil:
		hdr.Add("Set-Cookie", h.m.sessionCookie(tok, s.record()).String())
	case clear || tok != "":
		hdr.Add("Set-Cookie", h.m.expiredCookie().String())
	}
	return nil
}
