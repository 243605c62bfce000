package sessiond

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Defaults of [DeviceBindingConfig].
const (
	DefaultDeviceBindingPath = "/sessiond/dbsc"
	DefaultBoundCookieName   = "__Host-bound"
	DefaultBoundCookieLife   = 10 * time.Minute
)

// Bounds of [DeviceBindingConfig].
const (
	// maxBoundCookieLife bounds the bound cookie's lifetime: a stolen
	// bound cookie works off the device until it ends.
	maxBoundCookieLife = time.Hour
	// challengeMargin is how much longer than a bound cookie a challenge
	// lives by default, so that the challenge issued ahead on one refresh
	// still serves the next, which comes when the cookie runs out.
	challengeMargin = 5 * time.Minute
)

// DeviceBindingConfig turns on Device Bound Session Credentials (W3C DBSC)
// and tunes them. The zero value is off.
type DeviceBindingConfig struct {
	// Enabled offers browsers, on the response of every login inside
	// [Manager.Handler] over HTTPS, to bind the session to a key they
	// keep, and serves the registration and refresh endpoints under Path.
	// Sessions already bound need their bound cookie whether it is on or
	// off: turning it off never downgrades them (they end for their users
	// once the bound cookie runs out; a new login is unbound). Default
	// off.
	Enabled bool
	// Path is the prefix of the paths the middleware answers itself:
	// Path+"/registration" and Path+"/refresh"; any other path under it
	// is 404. It must start with "/", and hold only letters, digits and
	// "-._~/". Default "/sessiond/dbsc".
	Path string
	// CookieName is the bound cookie's name. It must start with "__Host-"
	// and differ from Config.CookieName. Default "__Host-bound".
	CookieName string
	// CookieLifetime is how long a bound cookie is accepted: the browser
	// proves possession of its key once per lifetime, and a bound cookie
	// stolen with the session cookie works elsewhere until it ends. At
	// most 1 hour; keep it to minutes, as browsers limit how often they
	// refresh. Default 10 minutes.
	CookieLifetime time.Duration
	// ChallengeLifetime is how long a challenge issued to a browser is
	// accepted. Each is also used at most once: a registration or refresh
	// ends every challenge issued before it. Default CookieLifetime plus
	// 5 minutes, so that the challenge issued ahead on a refresh serves
	// the next one.
	ChallengeLifetime time.Duration
}

// withDefaults fills in the zero fields of an enabled configuration.
func (c DeviceBindingConfig) withDefaults() DeviceBindingConfig {
	if c.Path == "" {
		c.Path = DefaultDeviceBindingPath
	}
	c.Path = strings.TrimSuffix(c.Path, "/")
	if c.CookieName == "" {
		c.CookieName = DefaultBoundCookieName
	}
	c.CookieLifetime = orDefault(c.CookieLifetime, DefaultBoundCookieLife)
	c.ChallengeLifetime = orDefault(c.ChallengeLifetime, c.CookieLifetime+challengeMargin)
	return c
}

// validate refuses a configuration the middleware cannot serve safely.
func (c DeviceBindingConfig) validate(sessionCookie string) error {
	switch {
	case c.CookieLifetime < 0 || c.ChallengeLifetime < 0:
		return errors.New("sessiond: DeviceBinding durations must not be negative")
	case c.CookieLifetime < time.Second || c.CookieLifetime > maxBoundCookieLife:
		return fmt.Errorf("sessiond: DeviceBinding.CookieLifetime %v must be between 1s and %v", c.CookieLifetime, maxBoundCookieLife)
	case c.ChallengeLifetime < time.Second:
		return fmt.Errorf("sessiond: DeviceBinding.ChallengeLifetime %v must be at least 1s", c.ChallengeLifetime)
	case !strings.HasPrefix(c.CookieName, hostPrefix) || len(c.CookieName) == len(hostPrefix) || !validCookieName(c.CookieName):
		return fmt.Errorf("sessiond: DeviceBinding.CookieName %q must be a cookie name starting with %q", c.CookieName, hostPrefix)
	case c.CookieName == sessionCookie:
		return errors.New("sessiond: DeviceBinding.CookieName must differ from CookieName")
	case !validBindingPath(c.Path):
		return fmt.Errorf("sessiond: DeviceBinding.Path %q must start with / and hold only letters, digits and -._~/", c.Path)
	}
	return nil
}

// validBindingPath reports whether p is a path that goes into a quoted
// structured-header parameter and a JSON string as it is.
func validBindingPath(p string) bool {
	if len(p) < 2 || p[0] != '/' || strings.Contains(p, "//") || len(p) > 256 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !isAlpha(c) && !isDigit(c) && strings.IndexByte("-._~/", c) < 0 {
			return false
		}
	}
	return true
}

// DeviceBinding is a session's binding to a key its browser keeps, made by
// Device Bound Session Credentials. The zero value is a session that is
// not bound. A store keeps it as part of the [Record]; only the
// [Manager] changes it.
type DeviceBinding struct {
	// Alg is the key's JWS algorithm, "ES256" or "RS256"; empty when the
	// session is not bound.
	Alg string
	// Key is the public key as a JWK in the form of RFC 7638: its
	// required members only, in order, without white space.
	Key string
	// BoundAt is when the browser registered the key.
	BoundAt time.Time
	// Generation counts the registration and every refresh since. A
	// challenge names the generation it was issued in and is accepted in
	// that generation only; a successful proof advances it (compare and
	// swap), so that each challenge is used at most once.
	Generation int64
	// Cookies are the bound cookies accepted, the newest first: the one
	// the last proof issued, and the one before it, for requests already
	// on their way when it was replaced. An entry whose ExpiresAt has
	// passed (or is zero) accepts nothing.
	Cookies [2]BoundCookie
}

// BoundCookie is a bound cookie as a [DeviceBinding] keeps it: the SHA-256
// of its value, never the value, and when it stops being accepted.
type BoundCookie struct {
	Hash      Hash
	ExpiresAt time.Time
}

// Bound reports whether the session is bound to a device key.
func (b DeviceBinding) Bound() bool { return b.Alg != "" }

// Thumbprint is the key's JWK SHA-256 thumbprint (RFC 7638), unpadded
// base64url: a name of the key that is safe to show. It is empty for a
// session that is not bound.
func (b DeviceBinding) Thumbprint() string {
	if !b.Bound() {
		return ""
	}
	sum := sha256.Sum256([]byte(b.Key))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// accepts reports whether h is the hash of a bound cookie of b at now.
func (b *DeviceBinding) accepts(h Hash, now time.Time) (ok, expired bool) {
	for _, c := range b.Cookies {
		if c.Hash == h && !c.ExpiresAt.IsZero() {
			if now.Before(c.ExpiresAt) {
				return true, false
			}
			expired = true
		}
	}
	return false, expired
}

// Device returns the session's device binding; [DeviceBinding.Bound]
// reports whether there is one.
func (s *Session) Device() DeviceBinding { return s.record().Device }

// deviceBinding is a Manager's device-binding machinery: its settings and
// the keys that make and check challenges.
type deviceBinding struct {
	cfg DeviceBindingConfig
	// keys are derived from Config.Keys, by id, so that a challenge made
	// by one replica is accepted by another; primary makes new ones.
	keys    map[uint32][]byte
	primary uint32
}

// newDeviceBinding derives the challenge keys from the data keys.
func newDeviceBinding(cfg DeviceBindingConfig, keys []Key) (*deviceBinding, error) {
	d := &deviceBinding{cfg: cfg, keys: make(map[uint32][]byte, len(keys)), primary: keys[0].ID}
	for _, k := range keys {
		sub, err := hkdf.Key(sha256.New, k.Secret, nil, "sessiond device binding challenges", 32)
		if err != nil {
			return nil, fmt.Errorf("sessiond: deriving the device binding key: %w", err)
		}
		d.keys[k.ID] = sub
	}
	return d, nil
}

// Challenges and authorizations are base64url of a key id, their fields
// and a MAC of 16 bytes over a label, the session id and the fields.
const (
	challengeLen = 4 + 8 + 8 + 16 // key id, generation, expiry, MAC
	authzLen     = 4 + 16         // key id, MAC
	macLen       = 16
)

// mac returns the MAC of label, the session id and fields under key id.
func (d *deviceBinding) mac(id uint32, label, sid string, fields []byte) ([]byte, bool) {
	key, ok := d.keys[id]
	if !ok {
		return nil, false
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte(label))
	h.Write([]byte{0})
	h.Write([]byte(sid))
	h.Write([]byte{0})
	h.Write(fields)
	return h.Sum(nil)[:macLen], true
}

// challenge makes a challenge for the session sid in generation gen,
// accepted until now plus ChallengeLifetime.
func (d *deviceBinding) challenge(sid string, gen int64, now time.Time) string {
	b := make([]byte, 0, challengeLen)
	b = binary.BigEndian.AppendUint32(b, d.primary)
	b = binary.BigEndian.AppendUint64(b, uint64(gen))
	b = binary.BigEndian.AppendUint64(b, uint64(now.Add(d.cfg.ChallengeLifetime).Unix()))
	sum, _ := d.mac(d.primary, "challenge", sid, b[4:])
	return base64.RawURLEncoding.EncodeToString(append(b, sum...))
}

// checkChallenge checks that c is a challenge made for the session sid in
// generation gen, and that its time is not up.
func (d *deviceBinding) checkChallenge(c, sid string, gen int64, now time.Time) error {
	b, err := b64.DecodeString(c)
	if err != nil || len(b) != challengeLen {
		return refusal(ReasonDeviceBadChallenge)
	}
	sum, ok := d.mac(binary.BigEndian.Uint32(b), "challenge", sid, b[4:20])
	if !ok || !hmac.Equal(sum, b[20:]) || int64(binary.BigEndian.Uint64(b[4:])) != gen {
		return refusal(ReasonDeviceBadChallenge)
	}
	if now.Unix() >= int64(binary.BigEndian.Uint64(b[12:])) {
		return refusal(ReasonDeviceExpired)
	}
	return nil
}

// authorization is the value a registration must echo for the session
// sid: it names the session the offer was made to.
func (d *deviceBinding) authorization(sid string) string {
	b := binary.BigEndian.AppendUint32(make([]byte, 0, authzLen), d.primary)
	sum, _ := d.mac(d.primary, "authorization", sid, nil)
	return base64.RawURLEncoding.EncodeToString(append(b, sum...))
}

// checkAuthorization checks that a is the authorization of the session sid.
func (d *deviceBinding) checkAuthorization(a, sid string) error {
	b, err := b64.DecodeString(a)
	if err != nil || len(b) != authzLen {
		return refusal(ReasonDeviceBadAuthz)
	}
	sum, ok := d.mac(binary.BigEndian.Uint32(b), "authorization", sid, nil)
	if !ok || !hmac.Equal(sum, b[4:]) {
		return refusal(ReasonDeviceBadAuthz)
	}
	return nil
}

// registrationHeader is the Secure-Session-Registration offer for the
// session sid, a fresh login (generation 0).
func (d *deviceBinding) registrationHeader(sid string, now time.Time) string {
	return `(ES256 RS256);path="` + d.cfg.Path + `/registration";challenge="` +
		d.challenge(sid, 0, now) + `";authorization="` + d.authorization(sid) + `"`
}

// challengeHeader is a Secure-Session-Challenge for the session sid in
// generation gen. Both are base64url: nothing needs escaping.
func (d *deviceBinding) challengeHeader(sid string, gen int64, now time.Time) string {
	return `"` + d.challenge(sid, gen, now) + `";id="` + sid + `"`
}

// DeviceProof is what a request shows of its session's device binding:
// the bound cookie, and the Secure-Session-Skipped header a browser sends
// when its refresh failed. A service that checks sessions for another
// application takes them from that application's request.
type DeviceProof struct {
	// Cookie is the value of the bound cookie; empty when there is none.
	Cookie string
	// Skipped is the Secure-Session-Skipped header; empty when there is
	// none.
	Skipped string
}

// DeviceProof returns the device-binding proof of a browser's request:
// the value of the cookie named DeviceBindingConfig.CookieName (read
// whether device binding is on or off: sessions bound while it was on
// still present theirs) and its Secure-Session-Skipped header.
func (m *Manager) DeviceProof(r *http.Request) DeviceProof {
	c, _ := cookieValue(r.Header, m.cfg.DeviceBinding.CookieName)
	return DeviceProof{Cookie: c, Skipped: r.Header.Get("Secure-Session-Skipped")}
}

// ErrDeviceUnverified is returned for a session bound to a device key
// that is presented without a valid bound cookie: a token copied off the
// device, or a browser whose refresh failed. It wraps [ErrInvalidToken],
// so it is answered like any other invalid token, but the session is not
// ended: its own browser goes on once it refreshes.
var ErrDeviceUnverified = fmt.Errorf("%w: the session is bound to a device and its bound cookie is missing or invalid", ErrInvalidToken)

// checkDevice refuses a bound session whose request does not carry a live
// bound cookie, and audits why.
func (m *Manager) checkDevice(ctx context.Context, rec *Record, o loadOptions, now time.Time, c Client) error {
	if !rec.Device.Bound() || (o.device == nil && o.req == nil) {
		return nil
	}
	var p DeviceProof
	if o.device != nil {
		p = *o.device
	} else {
		// The cookie only: the header matters on a refusal alone.
		p.Cookie, _ = cookieValue(o.req.Header, m.cfg.DeviceBinding.CookieName)
	}
	h, ok := parseToken(p.Cookie)
	reason := ReasonBoundCookieMissing
	if ok {
		accepted, expired := rec.Device.accepts(h, now)
		if accepted {
			return nil
		}
		reason = ReasonBoundCookieInvalid
		if expired {
			reason = ReasonBoundCookieExpired
		}
	} else if p.Cookie != "" {
		reason = ReasonBoundCookieInvalid
	}
	if o.device == nil {
		p.Skipped = o.req.Header.Get("Secure-Session-Skipped")
	}
	if p.Skipped != "" {
		if r, ok := parseSkipped(p.Skipped, rec.ID); ok {
			reason = r
		}
	}
	m.audit(ctx, EventDeviceUnverified, rec, c, reason)
	return ErrDeviceUnverified
}

// LoadDevice is [Manager.Load] for a browser's request that may carry a
// session bound to a device: a bound session is refused with
// [ErrDeviceUnverified] unless p holds one of its live bound cookies,
// before anything is written (no touch, no rotation, no anomaly action),
// and the refusal is audited as session.device_unverified. A session
// that is not bound needs nothing of p. With rotate false, a token due
// for periodic rotation is kept, as [Manager.LoadWithoutRotation] keeps
// it. [Manager.Handler] does this on every request; a service that checks
// a browser's session for another application does it with the bound
// cookie and the Secure-Session-Skipped header that application passes
// on.
func (m *Manager) LoadDevice(ctx context.Context, token string, c Client, p DeviceProof, rotate bool) (*Session, string, error) {
	s := new(Session)
	tok, err := m.load(ctx, token, c, loadOptions{rotate: rotate, device: &p}, s)
	if err != nil {
		return nil, "", err
	}
	return s, tok, nil
}

// newBoundCookie makes a new bound cookie at now and returns it with b
// changed to accept it, and the one before it, the newest first.
func (m *Manager) newBoundCookie(b DeviceBinding, now time.Time) (*http.Cookie, DeviceBinding, error) {
	val, h, err := newToken(m.cfg.Rand)
	if err != nil {
		return nil, b, err
	}
	life := m.cfg.DeviceBinding.CookieLifetime
	b.Cookies[1] = b.Cookies[0]
	b.Cookies[0] = BoundCookie{Hash: h, ExpiresAt: now.Add(life)}
	c := m.baseCookie()
	c.Name, c.Value, c.MaxAge = m.cfg.DeviceBinding.CookieName, val, int(life/time.Second)
	return c, b, nil
}

// boundCookieAttributes are the attributes of the bound cookie as a
// session's configuration tells them to the browser.
func (m *Manager) boundCookieAttributes() string {
	s := "Lax"
	if m.cfg.SameSite == http.SameSiteStrictMode {
		s = "Strict"
	}
	return "Path=/; Secure; HttpOnly; SameSite=" + s
}
