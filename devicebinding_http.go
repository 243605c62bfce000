package sessiond

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// This file is the browser's side of device binding: the offer on a
// login's response, and the registration and refresh endpoints that
// [Manager.Handler] answers under DeviceBindingConfig.Path.

// owns reports whether path is one the middleware answers itself.
func (d *deviceBinding) owns(path string) bool {
	rest, ok := strings.CutPrefix(path, d.cfg.Path)
	return ok && (rest == "" || rest[0] == '/')
}

// loggedIn records whether the token the request will send is a full
// login's, whose response offers device binding.
func (rs *requestState) loggedIn(full bool) {
	if rs == nil {
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.login = full
}

// offerBinding adds the Secure-Session-Registration offer to the response
// of a full login over HTTPS, with device binding on. A browser without
// DBSC ignores it.
func (rs *requestState) offerBinding(hdr http.Header, s *Session) {
	rs.mu.Lock()
	login := rs.login
	rs.mu.Unlock()
	if !login || !rs.https || rs.bearer {
		return
	}
	if offer := rs.m.DeviceOffer(s); offer != "" {
		hdr.Set("Secure-Session-Registration", offer)
	}
}

// sessionConfig is the session configuration a registration or refresh
// answers with, as DBSC defines it.
type sessionConfig struct {
	SessionIdentifier string         `json:"session_identifier"`
	RefreshURL        string         `json:"refresh_url"`
	Scope             sessionScope   `json:"scope"`
	Credentials       []boundCookieJ `json:"credentials"`
}

// sessionScope is the origin a bound session covers. The bound cookie is
// a __Host- cookie, sent to this origin only, so the scope never takes in
// the rest of the site (include_site false): a browser would otherwise
// hold back requests to sibling hosts for a cookie they never get, and
// Chromium refuses include_site on an IP address.
type sessionScope struct {
	Origin      string     `json:"origin"`
	IncludeSite bool       `json:"include_site"`
	Specs       []struct{} `json:"scope_specification"`
}

// boundCookieJ describes the bound cookie to the browser.
type boundCookieJ struct {
	Type       string `json:"type"`
	Name       string `json:"name"`
	Attributes string `json:"attributes"`
}

// serveDeviceBinding answers the device-binding endpoints. Their
// requests were loaded without the device check and without rotation.
func (m *Manager) serveDeviceBinding(w http.ResponseWriter, r *http.Request) {
	var t EventType
	var do deviceStep
	switch r.URL.Path {
	case m.dbsc.cfg.Path + "/registration":
		t, do = EventDeviceRegistrationFailed, m.register
	case m.dbsc.cfg.Path + "/refresh":
		t, do = EventDeviceRefreshFailed, m.refresh
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	req := DeviceRequest{
		Response:  r.Header.Get("Secure-Session-Response"),
		SessionID: r.Header.Get("Sec-Secure-Session-Id"),
		Origin:    "https://" + strings.TrimSuffix(r.Host, ":443"),
	}
	ans, err := m.takeStep(r.Context(), FromContextAny(r.Context()), m.Client(r), req, t, do)
	switch {
	case err == nil:
		ans.write(w)
	case errors.Is(err, ErrDeviceRefused):
		// Any answer but 200 or a challenge ends the browser's bound session.
		http.Error(w, "forbidden", http.StatusForbidden)
	default:
		// Recording the proof failed: the browser may try again.
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
	}
}

// DeviceRequest is a browser's registration or refresh request as the
// application that received it passes it on to a service (such as
// sessiond's API) that runs its sessions.
type DeviceRequest struct {
	// Response is the request's Secure-Session-Response header, the
	// browser's dbsc+jwt proof; empty when it has none.
	Response string
	// SessionID is the request's Sec-Secure-Session-Id header, which a
	// refresh carries.
	SessionID string
	// Origin is the origin the browser sent the request to, such as
	// "https://app.example": the bound session covers it. It goes into
	// the session configuration as it is: the caller checks it.
	Origin string
}

// DeviceAnswer is what a registration or refresh answers the browser.
// With a Cookie, the answer is 200 with Set-Cookie: Cookie, the
// Secure-Session-Challenge header Challenge (the one the next refresh
// may use) and the body Config (Content-Type application/json). Without
// one, it is 403 with the Secure-Session-Challenge header Challenge: the
// browser proves possession of its key for it and asks again.
type DeviceAnswer struct {
	// Cookie is the new bound cookie; nil when the answer is a challenge.
	Cookie *http.Cookie
	// Config is the session configuration, a JSON object; nil when the
	// answer is a challenge.
	Config []byte
	// Challenge is the Secure-Session-Challenge header's value.
	Challenge string
}

// write answers the browser with a.
func (a DeviceAnswer) write(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Secure-Session-Challenge", a.Challenge)
	if a.Cookie == nil {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	h.Add("Set-Cookie", a.Cookie.String())
	h.Set("Content-Type", "application/json")
	w.Write(a.Config) // a client gone away has its cookie in the store's record all the same
}

// ErrDeviceBindingOff is returned by [Manager.RegisterDevice] and
// [Manager.RefreshDevice] when Config.DeviceBinding is off: there is no
// registration to accept, and a bound session's refresh is refused (it
// ends for its user, as inside the middleware).
var ErrDeviceBindingOff = errors.New("sessiond: device binding is off")

// DeviceOffer returns the Secure-Session-Registration header that offers
// the browser of s, a full login, to bind s to a key it keeps; "" when
// device binding is off, or s is not active or already bound. Inside
// [Manager.Handler] a login's response carries it already; an application
// whose sessions a service runs sends it on the response that sets the
// session cookie, over HTTPS, and receives the browser's registration at
// the path it names (DeviceBindingConfig.Path+"/registration").
func (m *Manager) DeviceOffer(s *Session) string {
	rec := s.record()
	if m.dbsc == nil || rec.state() != StateActive || rec.Device.Bound() {
		return ""
	}
	return m.dbsc.registrationHeader(rec.ID, m.now())
}

// RegisterDevice is a browser's registration for the session of token,
// which an application received on its own origin and passes on: it does
// what [Manager.Handler] does at DeviceBindingConfig.Path+"/registration".
// It returns the answer for the browser, or an error: [ErrDeviceRefused]
// (the proof or the session is refused; answer 403), [ErrInvalidToken] or
// [ErrThrottled] for the token as [Manager.Load] returns them (answer
// 403 too), [ErrDeviceBindingOff], or a store's error (answer 503).
// Refusals are audited as the middleware audits them.
func (m *Manager) RegisterDevice(ctx context.Context, token string, c Client, req DeviceRequest) (DeviceAnswer, error) {
	return m.deviceCall(ctx, token, c, req, EventDeviceRegistrationFailed, m.register)
}

// RefreshDevice is a browser's refresh of the bound session of token, as
// [Manager.RegisterDevice] is its registration: it does what
// [Manager.Handler] does at DeviceBindingConfig.Path+"/refresh". The
// answer is a challenge (for a request without a proof, or with one that
// is refused but may be tried again) or a new bound cookie; the errors
// are RegisterDevice's.
func (m *Manager) RefreshDevice(ctx context.Context, token string, c Client, req DeviceRequest) (DeviceAnswer, error) {
	return m.deviceCall(ctx, token, c, req, EventDeviceRefreshFailed, m.refresh)
}

// deviceCall loads the session of token, as the middleware loads a
// request to its device-binding endpoints (no device check, no
// rotation), and takes step do with it.
func (m *Manager) deviceCall(ctx context.Context, token string, c Client, req DeviceRequest, t EventType, do deviceStep) (DeviceAnswer, error) {
	if m.dbsc == nil {
		return DeviceAnswer{}, ErrDeviceBindingOff
	}
	s := new(Session)
	if _, err := m.load(ctx, token, c, loadOptions{}, s); err != nil {
		if errors.Is(err, ErrInvalidToken) {
			m.deviceFailed(ctx, t, nil, c, refusal(ReasonDeviceNoSession))
		}
		return DeviceAnswer{}, err
	}
	return m.takeStep(ctx, s, c, req, t, do)
}

// deviceStep is a registration or a refresh of s, whatever carried it.
type deviceStep func(ctx context.Context, s *Session, c Client, req DeviceRequest) (DeviceAnswer, error)

// takeStep takes step do with s (nil: no live session) and audits its
// refusal as t.
func (m *Manager) takeStep(ctx context.Context, s *Session, c Client, req DeviceRequest, t EventType, do deviceStep) (DeviceAnswer, error) {
	err := refusal(ReasonDeviceNoSession)
	var ans DeviceAnswer
	if s != nil {
		ans, err = do(ctx, s, c, req)
	}
	if err != nil {
		m.deviceFailed(ctx, t, s, c, err)
	}
	return ans, err
}

// deviceFailed audits a refused registration or refresh.
func (m *Manager) deviceFailed(ctx context.Context, t EventType, s *Session, c Client, err error) {
	if s == nil {
		m.Audit(ctx, Event{Type: t, IP: c.IP, UserAgent: c.UserAgent, Reason: refusalReason(err)})
		return
	}
	m.audit(ctx, t, s.record(), c, refusalReason(err))
}

// register binds s to the key of the proof: a dbsc+jwt signed by the key
// it carries, for the challenge and authorization offered at login.
func (m *Manager) register(ctx context.Context, s *Session, c Client, req DeviceRequest) (DeviceAnswer, error) {
	rec := s.record()
	switch {
	case rec.Device.Bound():
		return DeviceAnswer{}, refusal(ReasonDeviceAlreadyBound)
	case rec.state() != StateActive:
		return DeviceAnswer{}, refusal(ReasonDeviceNotActive)
	case req.Response == "":
		return DeviceAnswer{}, refusal(ReasonDeviceMissingProof)
	}
	key, err := m.checkRegistration(req.Response, rec.ID)
	if err != nil {
		return DeviceAnswer{}, err
	}
	return m.prove(ctx, s, c, req.Origin, EventDeviceBound, 0, func(b *DeviceBinding) error {
		if b.Bound() {
			return refusal(ReasonDeviceAlreadyBound)
		}
		b.Alg, b.Key, b.BoundAt = key.alg, key.canonical, m.now()
		return nil
	})
}

// checkRegistration verifies a registration proof for the session sid
// and returns the key it carries.
func (m *Manager) checkRegistration(raw, sid string) (*jwk, error) {
	p, err := parseProof(raw)
	if err != nil {
		return nil, err
	}
	key, err := parseJWK(p.jwk)
	if err != nil {
		return nil, err
	}
	if err := p.verify(key.alg, key.key); err != nil {
		return nil, err
	}
	if err := m.dbsc.checkAuthorization(p.authz, sid); err != nil {
		return nil, err
	}
	return key, m.dbsc.checkChallenge(p.jti, sid, 0, m.now())
}

// refresh issues a new bound cookie to the holder of s's key: a request
// without a proof is answered with a challenge, and one with a proof
// signed by the stored key (never one the proof carries) for a live
// challenge gets the cookie.
func (m *Manager) refresh(ctx context.Context, s *Session, c Client, req DeviceRequest) (DeviceAnswer, error) {
	rec := s.record()
	if !rec.Device.Bound() {
		return DeviceAnswer{}, refusal(ReasonDeviceNotBound)
	}
	if id, ok := parseSessionIDHeader(req.SessionID); !ok || id != rec.ID {
		return DeviceAnswer{}, refusal(ReasonDeviceWrongSession)
	}
	if req.Response == "" {
		return m.challenge(rec), nil
	}
	err := m.checkRefresh(req.Response, rec)
	if err == nil {
		var ans DeviceAnswer
		ans, err = m.prove(ctx, s, c, req.Origin, EventDeviceRefreshed, rec.Device.Generation, func(b *DeviceBinding) error {
			if !b.Bound() {
				return refusal(ReasonDeviceNotBound)
			}
			return nil
		})
		if err == nil {
			return ans, nil
		}
	}
	if errors.Is(err, ErrDeviceRefused) {
		// A refused proof is answered with a fresh challenge, so that a
		// browser whose cached challenge ran out, or was used by a
		// concurrent refresh, tries again.
		m.audit(ctx, EventDeviceRefreshFailed, rec, c, refusalReason(err))
		return m.challenge(s.record()), nil
	}
	return DeviceAnswer{}, err
}

// checkRefresh verifies a refresh proof against the key stored in rec.
func (m *Manager) checkRefresh(raw string, rec *Record) error {
	p, err := parseProof(raw)
	if err != nil {
		return err
	}
	key, err := parseJWK([]byte(rec.Device.Key))
	if err != nil {
		return err
	}
	if rec.Device.Alg != key.alg {
		return refusal(ReasonDeviceBadAlg)
	}
	if err := p.verify(key.alg, key.key); err != nil {
		return err
	}
	return m.dbsc.checkChallenge(p.jti, rec.ID, rec.Device.Generation, m.now())
}

// challenge is the answer with a challenge of rec's current generation.
func (m *Manager) challenge(rec *Record) DeviceAnswer {
	return DeviceAnswer{Challenge: m.dbsc.challengeHeader(rec.ID, rec.Device.Generation, m.now())}
}

// prove records a successful proof of the challenge of generation gen:
// change edits the binding, which then moves to the next generation (so
// that the challenge, and every other of its generation, is used up) and
// gets a new bound cookie. The write is a compare and swap: of two
// requests that prove with challenges of one generation, one wins. The
// answer carries the cookie, the session's configuration for origin, and
// a challenge of the new generation for the next refresh.
func (m *Manager) prove(ctx context.Context, s *Session, c Client, origin string, t EventType, gen int64, change func(*DeviceBinding) error) (DeviceAnswer, error) {
	var cookie *http.Cookie
	err := s.update(ctx, false, func(next *Record) error {
		if next.Device.Generation != gen {
			return refusal(ReasonDeviceBadChallenge)
		}
		b := next.Device
		if err := change(&b); err != nil {
			return err
		}
		b.Generation++
		var err error
		cookie, next.Device, err = m.newBoundCookie(b, m.now())
		return err
	})
	if errors.Is(err, ErrInvalidToken) {
		return DeviceAnswer{}, refusal(ReasonDeviceNoSession) // revoked meanwhile
	}
	if err != nil {
		return DeviceAnswer{}, err
	}
	rec := s.record()
	m.audit(ctx, t, rec, c, "")
	ans := m.challenge(rec)
	ans.Cookie = cookie
	ans.Config, _ = json.Marshal(m.sessionConfig(origin, rec)) // strings, a bool and slices: it cannot fail
	return ans, nil
}

// sessionConfig is the configuration of the bound session rec for origin.
func (m *Manager) sessionConfig(origin string, rec *Record) sessionConfig {
	return sessionConfig{
		SessionIdentifier: rec.ID,
		RefreshURL:        m.dbsc.cfg.Path + "/refresh",
		Scope:             sessionScope{Origin: origin, Specs: []struct{}{}},
		Credentials: []boundCookieJ{{
			Type: "cookie", Name: m.cfg.DeviceBinding.CookieName, Attributes: m.boundCookieAttributes(),
		}},
	}
}
