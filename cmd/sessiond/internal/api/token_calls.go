package api

import (
	"encoding/json"
	"net/http"

	"github.com/sessiond/sessiond"
)

// validate checks a token: 200 {session} (with token when validation
// rotated it), 401 {error}.
func (a *api) validate(w http.ResponseWriter, r *http.Request) {
	var b tokenBody
	if !decode(w, r, &b) {
		a.Observe("bad_request")
		return
	}
	s, tok, refusal := a.load(w, r, b, true, false)
	if s == nil {
		a.Observe(refusal)
		return
	}
	a.Observe("valid")
	reply(w, http.StatusOK, s, tok)
}

// rotateBody is the body of POST /v1/sessions/rotate.
type rotateBody struct {
	Token *string `json:"token"`
	deviceMembers
}

// rotate replaces the token: 200 {token, session}. auth_time is kept. A
// session that must re-authenticate is refused (401 reauth_required), and
// so is a rotated-out token inside its grace window (401
// invalid_session): a new token is never handed to its holder.
func (a *api) rotate(w http.ResponseWriter, r *http.Request) {
	var b rotateBody
	if !decode(w, r, &b) {
		return
	}
	s, _, _ := a.load(w, r, tokenBody{Token: b.Token, deviceMembers: b.deviceMembers}, true, false)
	if s == nil {
		return
	}
	tok, err := s.Renew(r.Context())
	if err != nil {
		writeSessionError(w, err)
		return
	}
	reply(w, http.StatusOK, s, tok)
}

// dataBody is the body of POST /v1/sessions/data.
type dataBody struct {
	Token *string `json:"token"`
	deviceMembers
	Set     map[string]json.RawMessage `json:"set"`
	Delete  []string                   `json:"delete"`
	Version *int64                     `json:"version"`
}

// data changes session data: 200 {session}; 409 when version is stale.
// Without version the change is merged key by key. A session that must
// re-authenticate is refused (401 reauth_required); a rotated-out token
// inside its grace window may still write, for requests in flight.
func (a *api) data(w http.ResponseWriter, r *http.Request) {
	var b dataBody
	if !decode(w, r, &b) {
		return
	}
	s, tok, _ := a.load(w, r, tokenBody{Token: b.Token, deviceMembers: b.deviceMembers}, true, false)
	if s == nil {
		return
	}
	if err := setData(s, b.Set, b.Delete); err != nil {
		writeSessionError(w, err)
		return
	}
	var err error
	if b.Version != nil {
		err = s.CommitVersion(r.Context(), *b.Version)
	} else {
		err = s.Commit(r.Context())
	}
	if err != nil {
		writeSessionError(w, err)
		return
	}
	reply(w, http.StatusOK, s, tok)
}

// reauthBody is the body of POST /v1/sessions/reauth.
type reauthBody struct {
	tokenBody
	AuthMethods []string `json:"auth_methods"`
}

// reauth records a fresh authentication: 200 {token, session}. It is the
// one call a session that must re-authenticate is let through to; a
// rotated-out token inside its grace window is refused (401
// invalid_session).
func (a *api) reauth(w http.ResponseWriter, r *http.Request) {
	var b reauthBody
	if !decode(w, r, &b) {
		return
	}
	switch {
	case len(b.AuthMethods) == 0:
		writeError(w, http.StatusBadRequest, "bad_request", "auth_methods is required")
		return
	case !validMethods(b.AuthMethods):
		writeError(w, http.StatusBadRequest, "bad_request", badMethods)
		return
	}
	s, _, _ := a.load(w, r, b.tokenBody, false, false)
	if s == nil {
		return
	}
	tok, err := s.Reauth(r.Context(), b.AuthMethods)
	if err != nil {
		writeSessionError(w, err)
		return
	}
	reply(w, http.StatusOK, s, tok)
}

// revoke ends the session of a token (logout): 204. Any token that leads
// to the session ends it, one inside its grace window, of a session that
// must re-authenticate, or of a bound session without its bound cookie
// included: ending a session hands nobody anything, and a user whose
// browser failed to refresh can still log out.
func (a *api) revoke(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Token *string `json:"token"`
	}
	if !decode(w, r, &b) {
		return
	}
	s, _, _ := a.load(w, r, tokenBody{Token: b.Token}, false, true)
	if s == nil {
		return
	}
	if err := s.Revoke(r.Context(), sessiond.ReasonLogout); err != nil {
		writeSessionError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
