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
	d := rs.m.dbsc
	if d == nil || !login || !rs.https || rs.bearer {
		return
	}
	hdr.Set("Secure-Session-Registration", d.registrationHeader(s.ID(), rs.m.now()))
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
	var serve func(http.ResponseWriter, *http.Request, *Session) error
	switch r.URL.Path {
	case m.dbsc.cfg.Path + "/registration":
		t, serve = EventDeviceRegistrationFailed, m.serveRegistration
	case m.dbsc.cfg.Path + "/refresh":
		t, serve = EventDeviceRefreshFailed, m.serveRefresh
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s := FromContextAny(r.Context())
	err := refusal(ReasonDeviceNoSession)
	if s != nil {
		err = serve(w, r, s)
	}
	if err == nil {
		return
	}
	m.deviceFailed(r.Context(), t, s, m.Client(r), err)
	if !errors.Is(err, errProof) {
		// Recording the proof failed: the browser may try again.
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	// Any answer but 200 or a challenge ends the browser's bound session.
	http.Error(w, "forbidden", http.StatusForbidden)
}

// deviceFailed audits a refused registration or refresh.
func (m *Manager) deviceFailed(ctx context.Context, t EventType, s *Session, c Client, err error) {
	if s == nil {
		m.Audit(ctx, Event{Type: t, IP: c.IP, UserAgent: c.UserAgent, Reason: refusalReason(err)})
		return
	}
	m.audit(ctx, t, s.record(), c, refusalReason(err))
}

// serveRegistration binds s to the key of the Secure-Session-Response
// proof: a dbsc+jwt signed by the key it carries, for the challenge and
// authorization offered at login.
func (m *Manager) serveRegistration(w http.ResponseWriter, r *http.Request, s *Session) error {
	rec := s.record()
	switch {
	case rec.Device.Bound():
		return refusal(ReasonDeviceAlreadyBound)
	case rec.state() != StateActive:
		return refusal(ReasonDeviceNotActive)
	}
	raw := r.Header.Get("Secure-Session-Response")
	if raw == "" {
		return refusal(ReasonDeviceMissingProof)
	}
	p, err := parseProof(raw)
	if err != nil {
		return err
	}
	key, err := parseJWK(p.jwk)
	if err != nil {
		return err
	}
	if err := p.verify(key.alg, key.key); err != nil {
		return err
	}
	if err := m.dbsc.checkAuthorization(p.authz, rec.ID); err != nil {
		return err
	}
	if err := m.dbsc.checkChallenge(p.jti, rec.ID, 0, m.now()); err != nil {
		return err
	}
	return m.prove(w, r, s, EventDeviceBound, 0, func(b *DeviceBinding) error {
		if b.Bound() {
			return refusal(ReasonDeviceAlreadyBound)
		}
		b.Alg, b.Key, b.BoundAt = key.alg, key.canonical, m.now()
		return nil
	})
}

// serveRefresh issues a new bound cookie to the holder of s's key: a
// request without a proof is answered 403 with a challenge, and one with
// a proof signed by the stored key (never one the proof carries) for a
// live challenge gets the cookie.
func (m *Manager) serveRefresh(w http.ResponseWriter, r *http.Request, s *Session) error {
	rec := s.record()
	if !rec.Device.Bound() {
		return refusal(ReasonDeviceNotBound)
	}
	if id, ok := parseSessionIDHeader(r.Header.Get("Sec-Secure-Session-Id")); !ok || id != rec.ID {
		return refusal(ReasonDeviceWrongSession)
	}
	raw := r.Header.Get("Secure-Session-Response")
	if raw == "" {
		m.challenge(w, rec)
		return nil
	}
	err := m.checkRefresh(raw, rec)
	if err == nil {
		err = m.prove(w, r, s, EventDeviceRefreshed, rec.Device.Generation, func(b *DeviceBinding) error {
			if !b.Bound() {
				return refusal(ReasonDeviceNotBound)
			}
			return nil
		})
	}
	if errors.Is(err, errProof) {
		// A refused proof is answered with a fresh challenge, so that a
		// browser whose cached challenge ran out, or was used by a
		// concurrent refresh, tries again.
		m.audit(r.Context(), EventDeviceRefreshFailed, rec, m.Client(r), refusalReason(err))
		m.challenge(w, s.record())
		return nil
	}
	return err
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

// challenge answers 403 with a challenge of rec's current generation.
func (m *Manager) challenge(w http.ResponseWriter, rec *Record) {
	w.Header().Set("Secure-Session-Challenge", m.dbsc.challengeHeader(rec.ID, rec.Device.Generation, m.now()))
	http.Error(w, "forbidden", http.StatusForbidden)
}

// prove records a successful proof of the challenge of generation gen:
// change edits the binding, which then moves to the next generation (so
// that the challenge, and every other of its generation, is used up) and
// gets a new bound cookie. The write is a compare and swap: of two
// requests that prove with challenges of one generation, one wins. The
// answer carries the cookie, the session's configuration, and a challenge
// of the new generation for the next refresh.
func (m *Manager) prove(w http.ResponseWriter, r *http.Request, s *Session, t EventType, gen int64, change func(*DeviceBinding) error) error {
	var cookie *http.Cookie
	err := s.update(r.Context(), false, func(next *Record) error {
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
		return refusal(ReasonDeviceNoSession) // revoked meanwhile
	}
	if err != nil {
		return err
	}
	rec := s.record()
	m.audit(r.Context(), t, rec, m.Client(r), "")
	body, _ := json.Marshal(m.sessionConfig(r, rec)) // strings, a bool and slices: it cannot fail
	h := w.Header()
	h.Add("Set-Cookie", cookie.String())
	h.Set("Secure-Session-Challenge", m.dbsc.challengeHeader(rec.ID, rec.Device.Generation, m.now()))
	h.Set("Content-Type", "application/json")
	w.Write(body) // a client gone away has its cookie in the store's record all the same
	return nil
}

// sessionConfig is the configuration of the bound session rec for the
// origin r reached.
func (m *Manager) sessionConfig(r *http.Request, rec *Record) sessionConfig {
	return sessionConfig{
		SessionIdentifier: rec.ID,
		RefreshURL:        m.dbsc.cfg.Path + "/refresh",
		Scope:             sessionScope{Origin: "https://" + strings.TrimSuffix(r.Host, ":443"), Specs: []struct{}{}},
		Credentials: []boundCookieJ{{
			Type: "cookie", Name: m.cfg.DeviceBinding.CookieName, Attributes: m.boundCookieAttributes(),
		}},
	}
}
