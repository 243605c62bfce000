package api

import (
	"encoding/json"
	"net/http"

	"github.com/sessiond/sessiond"
)

// createBody is the body of POST /v1/sessions.
type createBody struct {
	UserID      *string                    `json:"user_id"`
	IP          string                     `json:"ip"`
	UserAgent   string                     `json:"user_agent"`
	AuthMethods []string                   `json:"auth_methods"`
	Data        map[string]json.RawMessage `json:"data"`
	// DeviceBinding asks for the offer of device binding: the
	// application sends it to the browser as Secure-Session-Registration.
	DeviceBinding bool `json:"device_binding"`
}

// createAnswer is the answer of POST /v1/sessions: the new session and its
// token, and the offer of device binding when it was asked for and can be
// made.
type createAnswer struct {
	Token              string      `json:"token"`
	Session            sessionJSON `json:"session"`
	DeviceRegistration string      `json:"device_registration,omitempty"`
}

// create starts a session for a user the application has authenticated:
// 201 {token, session}, with device_registration when device_binding asks
// for it, device binding is on and the login is a full one.
func (a *api) create(w http.ResponseWriter, r *http.Request) {
	var b createBody
	if !decode(w, r, &b) {
		return
	}
	switch {
	case b.UserID == nil:
		writeError(w, http.StatusBadRequest, "bad_request", "user_id is required")
		return
	case !validMethods(b.AuthMethods):
		writeError(w, http.StatusBadRequest, "bad_request", badMethods)
		return
	case !validIP(b.IP):
		writeError(w, http.StatusBadRequest, "bad_request", badIP)
		return
	}
	data := make(map[string]any, len(b.Data))
	for k, v := range b.Data {
		data[k] = v
	}
	// The data is written with the session, which so starts at version 1
	// as one created without data.
	s, tok, err := a.Manager.LoginToken(r.Context(), sessiond.LoginInfo{
		UserID:  *b.UserID,
		Methods: b.AuthMethods,
		Client:  sessiond.Client{IP: b.IP, UserAgent: b.UserAgent},
		Data:    data,
	})
	if err != nil {
		writeSessionError(w, err)
		return
	}
	if !b.DeviceBinding {
		reply(w, http.StatusCreated, s, tok)
		return
	}
	js, err := toJSON(s)
	if err != nil {
		writeSessionError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, createAnswer{Token: tok, Session: js, DeviceRegistration: a.Manager.DeviceOffer(s)})
}
