package api

import (
	"encoding/json"
	"net/http"
	"net/netip"

	"github.com/sessiond/sessiond"
)

// Limits on what a caller may store with a session.
const (
	maxMethods   = 8
	maxMethodLen = 32
)

// tokenBody is the body of the calls that act on a token. Token is a
// pointer so that a missing member is told apart from an empty string.
type tokenBody struct {
	Token *string `json:"token"`
	deviceMembers
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
}

// deviceMembers are what a browser's request shows of its session's
// device binding, as the application passes them on: the value of the
// bound cookie and the Secure-Session-Skipped header. A session bound to
// a device is refused without its bound cookie.
type deviceMembers struct {
	BoundCookie string `json:"bound_cookie"`
	Skipped     string `json:"skipped"`
}

// proof is the device-binding proof of the members.
func (d deviceMembers) proof() sessiond.DeviceProof {
	return sessiond.DeviceProof{Cookie: d.BoundCookie, Skipped: d.Skipped}
}

// client is who the body says the end user is.
func (b tokenBody) client() sessiond.Client {
	return sessiond.Client{IP: b.IP, UserAgent: b.UserAgent}
}

// load validates the body's token. On a refusal it answers it itself and
// returns a nil session and the error's name. A session that must
// re-authenticate is refused only when strict; a half-finished login is
// never a live session here; a session bound to a device is refused
// without its bound cookie (401 invalid_session, as a copied token must
// look) unless anyToken, for a call that hands the token's holder
// nothing.
func (a *api) load(w http.ResponseWriter, r *http.Request, b tokenBody, strict, anyToken bool) (s *sessiond.Session, tok, refusal string) {
	if b.Token == nil {
		return nil, "", writeError(w, http.StatusBadRequest, "bad_request", "token is required")
	}
	if !validIP(b.IP) {
		return nil, "", writeError(w, http.StatusBadRequest, "bad_request", badIP)
	}
	var err error
	if anyToken {
		s, tok, err = a.Manager.Load(r.Context(), *b.Token, b.client())
	} else {
		s, tok, err = a.Manager.LoadDevice(r.Context(), *b.Token, b.client(), b.proof(), true)
	}
	if err == nil && s.State() == sessiond.StatePending {
		err = sessiond.ErrInvalidToken
	}
	if err != nil {
		return nil, "", writeSessionError(w, err)
	}
	if strict && s.State() == sessiond.StateReauthRequired {
		return nil, "", writeSessionError(w, sessiond.ErrReauthRequired)
	}
	return s, tok, ""
}

// reply answers status with the session and, when not empty, its token.
func reply(w http.ResponseWriter, status int, s *sessiond.Session, tok string) {
	js, err := toJSON(s)
	if err != nil {
		writeSessionError(w, err)
		return
	}
	a := answer{Token: tok, Session: js}
	writeBody(w, status, append(a.appendJSON(make([]byte, 0, 512)), '\n'))
}

// badMethods is the detail of auth_methods out of bounds.
const badMethods = "auth_methods must hold at most 8 names of 1 to 32 bytes"

// badIP is the detail of an ip member that is not an IP address.
const badIP = "ip is not an IP address"

// validIP reports whether ip, the end user's address as the application
// saw it, is an IPv4 or IPv6 address without a zone, or empty (not
// given): it is what the anomaly policy compares and operators read.
func validIP(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	return ip == "" || err == nil && addr.Zone() == ""
}

// validMethods checks auth_methods.
func validMethods(methods []string) bool {
	if len(methods) > maxMethods {
		return false
	}
	for _, m := range methods {
		if m == "" || len(m) > maxMethodLen {
			return false
		}
	}
	return true
}

// setData applies a set object and delete list to s, without writing.
func setData(s *sessiond.Session, set map[string]json.RawMessage, del []string) error {
	for k, v := range set {
		if err := s.Set(k, v); err != nil {
			return err
		}
	}
	for _, k := range del {
		if k == "" {
			return sessiond.ErrBadKey
		}
		s.Delete(k)
	}
	return nil
}
