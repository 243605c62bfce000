package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/sessiond/sessiond"
)

// These calls let an application that is not written in Go support
// sessions bound to a device (W3C DBSC): it receives the browser's
// registration and refresh on its own origin, at the paths the offer and
// the session configuration name, and passes each on here.

// deviceBody is the body of POST /v1/sessions/device/registration and
// /refresh: the session's token and what the browser's request carries,
// header by header.
type deviceBody struct {
	Token                 *string `json:"token"`
	SecureSessionResponse string  `json:"secure_session_response"`
	SecSecureSessionID    string  `json:"sec_secure_session_id"`
	Origin                *string `json:"origin"`
	IP                    string  `json:"ip"`
	UserAgent             string  `json:"user_agent"`
}

// deviceAnswer is the answer of a registration or refresh: what the
// application answers the browser with.
type deviceAnswer struct {
	// Result is "bound" (answer 200 with the cookie, the challenge header
	// and the configuration as the body) or "challenge" (answer 403 with
	// the challenge header).
	Result        string           `json:"result"`
	Challenge     string           `json:"challenge"`
	Cookie        *boundCookieJSON `json:"cookie,omitempty"`
	SessionConfig json.RawMessage  `json:"session_config,omitempty"`
}

// boundCookieJSON is a new bound cookie: its parts, and the whole
// Set-Cookie header.
type boundCookieJSON struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	MaxAge    int    `json:"max_age"`
	SetCookie string `json:"set_cookie"`
}

// registerDevice passes on a browser's registration.
func (a *api) registerDevice(w http.ResponseWriter, r *http.Request) {
	a.deviceCall(w, r, a.Manager.RegisterDevice)
}

// refreshDevice passes on a browser's refresh of a bound session.
func (a *api) refreshDevice(w http.ResponseWriter, r *http.Request) {
	a.deviceCall(w, r, a.Manager.RefreshDevice)
}

// deviceStep is Manager.RegisterDevice or Manager.RefreshDevice.
type deviceStep func(context.Context, string, sessiond.Client, sessiond.DeviceRequest) (sessiond.DeviceAnswer, error)

// deviceCall reads a deviceBody, takes step with it and answers: 200
// with a deviceAnswer, 401 invalid_session, 403 device_refused or
// device_binding_off, or as any call does.
func (a *api) deviceCall(w http.ResponseWriter, r *http.Request, step deviceStep) {
	var b deviceBody
	if !decode(w, r, &b) {
		return
	}
	origin, ok := "", b.Origin != nil
	if ok {
		origin, ok = parseOrigin(*b.Origin)
	}
	switch {
	case b.Token == nil:
		writeError(w, http.StatusBadRequest, "bad_request", "token is required")
		return
	case !ok:
		writeError(w, http.StatusBadRequest, "bad_request", "origin must be an https origin such as https://app.example")
		return
	case !validIP(b.IP):
		writeError(w, http.StatusBadRequest, "bad_request", badIP)
		return
	}
	ans, err := step(r.Context(), *b.Token, sessiond.Client{IP: b.IP, UserAgent: b.UserAgent}, sessiond.DeviceRequest{
		Response: b.SecureSessionResponse, SessionID: b.SecSecureSessionID, Origin: origin,
	})
	switch {
	case errors.Is(err, sessiond.ErrDeviceRefused):
		writeError(w, http.StatusForbidden, "device_refused", "the registration or refresh is refused; answer the browser 403")
		return
	case errors.Is(err, sessiond.ErrDeviceBindingOff):
		writeError(w, http.StatusForbidden, "device_binding_off", "device binding is off in this sessiond; answer the browser 403")
		return
	case err != nil:
		writeSessionError(w, err)
		return
	}
	out := deviceAnswer{Result: "challenge", Challenge: ans.Challenge}
	if c := ans.Cookie; c != nil {
		out.Result, out.SessionConfig = "bound", ans.Config
		out.Cookie = &boundCookieJSON{Name: c.Name, Value: c.Value, MaxAge: c.MaxAge, SetCookie: c.String()}
	}
	writeJSON(w, http.StatusOK, out)
}

// parseOrigin reads the origin an application's browser reached: https,
// a host and an optional port, nothing else. It returns it with the host
// in lower case and without the default port, as a browser compares it.
func parseOrigin(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Opaque != "" || u.User != nil || u.Path != "" ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Host == "" || !validHost(u.Host) ||
		u.Hostname() == "" || len(s) > len("https://")+maxForwardedHost {
		return "", false
	}
	return "https://" + strings.TrimSuffix(strings.ToLower(u.Host), ":443"), true
}
