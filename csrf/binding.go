package csrf

import "net/http"

// A token is bound to what identifies the browser: its session when it has
// one, its pre-session otherwise. The token is HMAC(key, label || id).

// expected returns the token a request's form must carry: bound to its
// session, or to its live pre-session when anonymous. ok is false when the
// request has neither, and no token can be valid.
func (p *Protection) expected(r *http.Request) (t [macSize]byte, ok bool) {
	if sid := p.cfg.SessionID(r); sid != "" {
		return p.tokens.sum(sessionLabel, sid), true
	}
	s, ok := p.requestPreSession(r)
	if !ok {
		return t, false
	}
	return p.preSessionToken(s), true
}

// issued returns the token to put in a form of the response to r, making
// a pre-session (and setting its cookie on w) for an anonymous request.
func (p *Protection) issued(w http.ResponseWriter, r *http.Request) (t [macSize]byte, ok bool) {
	if sid := p.cfg.SessionID(r); sid != "" {
		return p.tokens.sum(sessionLabel, sid), true
	}
	s, ok := p.ensurePreSession(w, r)
	if !ok {
		return t, false
	}
	return p.preSessionToken(s), true
}

// preSessionToken is the token bound to the pre-session s.
func (p *Protection) preSessionToken(s preSession) [macSize]byte {
	return p.tokens.sum(preSessionLabel, string(s.id[:]))
}
