package sessiond

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// Default values of [Config]. They meet NIST SP 800-63B at AAL2 (30 minutes
// idle, 12 hours absolute).
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	DefaultRotationGrace   = 30 * time.Second
	DefaultRotateEvery     = 15 * time.Minute
	DefaultCookieName      = "__Host-session"
	DefaultPendingTimeout  = 10 * time.Minute
)

// maxRotationGrace bounds RotationGrace: a longer window would let a stolen
// token outlive the rotation that was meant to end it.
const maxRotationGrace = 5 * time.Minute

// hostPrefix is the cookie prefix that makes browsers insist on Secure,
// Path=/ and no Domain.
const hostPrefix = "__Host-"

// Config tunes a [Manager]. The zero value is the secure default: every zero
// field means the default given in its doc.
type Config struct {
	// IdleTimeout ends a session after this long without a request.
	// Default 30 minutes.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after its login, whatever
	// its activity. Default 12 hours.
	AbsoluteTimeout time.Duration
	// RotationGrace is how long a token replaced by rotation keeps working,
	// for requests already in flight. At most 5 minutes. Default 30 seconds.
	RotationGrace time.Duration
	// RotateEvery replaces a token older than this on its next use.
	// Default 15 minutes.
	RotateEvery time.Duration
	// PendingTimeout is the absolute timeout of a half-finished login
	// ([LoginInfo.Pending]). Default 10 minutes.
	PendingTimeout time.Duration
	// TouchInterval coalesces the idle "touch": a session's activity is
	// written at most once per interval, so the idle deadline can fall
	// short of IdleTimeout by up to this much. At most IdleTimeout/2.
	// Default max(1 s, IdleTimeout/100).
	TouchInterval time.Duration

	// CookieName is the session cookie's name. It must start with
	// "__Host-". Default "__Host-session".
	CookieName string
	// SameSite is the cookie's SameSite attribute: Lax or Strict.
	// Default Lax.
	SameSite http.SameSite
	// AcceptBearer makes the middleware also take a token from an
	// "Authorization: Bearer" header, for API clients. Such requests never
	// get a cookie, and their token is not rotated periodically (the client
	// could not receive the new one). Default off.
	AcceptBearer bool

	// MaxSessionsPerUser limits how many sessions one user may hold: a
	// login past it revokes the oldest (audited as session.evicted).
	// Default 0: no limit.
	MaxSessionsPerUser int

	// InvalidTokenLimit is how many invalid tokens one client address may
	// present in a minute: past it, its invalid tokens are answered 429
	// ([ErrThrottled]) for a minute, audited as session.throttled. Valid
	// tokens are never throttled. Counts are kept per process. Default 100.
	InvalidTokenLimit int

	// Anomaly says what to do when a session's client changes. The zero
	// value is the default: audit an IP change, demand re-authentication
	// on a User-Agent change, revoke on both at once.
	Anomaly AnomalyPolicy

	// TrustedProxies are the networks of reverse proxies whose
	// X-Forwarded-For is believed (see [Manager.Client]). Default none:
	// the connection's address is the client's. The scheme they forward
	// (X-Forwarded-Proto) is for forwarded.Proxies.Handler to record,
	// in front of the CSRF check and the HTTPS redirect.
	TrustedProxies []netip.Prefix

	// DeviceBinding turns on Device Bound Session Credentials: a browser
	// that supports them binds its session to a key it cannot export, and
	// a session cookie copied off the device stops working. Default off.
	DeviceBinding DeviceBindingConfig

	// Keys seal session data at rest; the first seals, all open. The
	// challenges of device binding are made with keys derived from them.
	// Without keys a random key is made at New, so data sealed by one
	// process cannot be read by another or after a restart: set Keys for
	// persistent or shared stores.
	Keys []Key

	// Auditor receives every lifecycle event. Default [SlogAuditor] on
	// slog.Default().
	Auditor Auditor
	// ErrorHandler answers a request the middleware refuses: the store
	// failed (fail closed), or the client has presented too many invalid
	// tokens ([ErrThrottled]). [ErrorFrom] gives it the cause. Default: 429
	// with a Retry-After for ErrThrottled; otherwise 503 with a generic
	// message, the cause logged to ErrorLog at level Error, at most five
	// records a second under an outage, with a count of those left out.
	ErrorHandler http.Handler
	// ErrorLog receives the default ErrorHandler's records. Default
	// slog.Default().
	ErrorLog *slog.Logger

	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// Rand is the source of tokens, ids and nonces. Default crypto/rand.
	Rand io.Reader
}

// withDefaults returns c with every zero field set to its default, and
// checks what the caller set.
func (c Config) withDefaults() (Config, error) {
	c.IdleTimeout = orDefault(c.IdleTimeout, DefaultIdleTimeout)
	c.AbsoluteTimeout = orDefault(c.AbsoluteTimeout, DefaultAbsoluteTimeout)
	c.RotationGrace = orDefault(c.RotationGrace, DefaultRotationGrace)
	c.RotateEvery = orDefault(c.RotateEvery, DefaultRotateEvery)
	c.PendingTimeout = orDefault(c.PendingTimeout, min(DefaultPendingTimeout, c.AbsoluteTimeout))
	c.TouchInterval = orDefault(c.TouchInterval, max(time.Second, c.IdleTimeout/100))
	if c.CookieName == "" {
		c.CookieName = DefaultCookieName
	}
	if c.SameSite == 0 || c.SameSite == http.SameSiteDefaultMode {
		c.SameSite = http.SameSiteLaxMode
	}
	c.Anomaly = c.Anomaly.withDefaults()
	c.DeviceBinding = c.DeviceBinding.withDefaults()
	if c.InvalidTokenLimit == 0 {
		c.InvalidTokenLimit = DefaultInvalidTokenLimit
	}
	if c.Auditor == nil {
		c.Auditor = SlogAuditor{}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.ErrorHandler == nil {
		c.ErrorHandler = &errorLog{logger: c.ErrorLog, now: c.Now}
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	return c, c.validate()
}

// validate refuses settings that are inconsistent or weaker than the
// contract allows.
func (c Config) validate() error {
	switch {
	case c.InvalidTokenLimit < 0:
		return errors.New("sessiond: InvalidTokenLimit must not be negative")
	case c.MaxSessionsPerUser < 0:
		return errors.New("sessiond: MaxSessionsPerUser must not be negative")
	case c.IdleTimeout < 0, c.AbsoluteTimeout < 0, c.RotationGrace < 0, c.RotateEvery < 0, c.TouchInterval < 0, c.PendingTimeout < 0:
		return errors.New("sessiond: durations must not be negative")
	case c.PendingTimeout > c.AbsoluteTimeout:
		return fmt.Errorf("sessiond: PendingTimeout %v exceeds AbsoluteTimeout %v", c.PendingTimeout, c.AbsoluteTimeout)
	case c.IdleTimeout > c.AbsoluteTimeout:
		return fmt.Errorf("sessiond: IdleTimeout %v exceeds AbsoluteTimeout %v", c.IdleTimeout, c.AbsoluteTimeout)
	case c.RotationGrace > maxRotationGrace:
		return fmt.Errorf("sessiond: RotationGrace %v exceeds %v", c.RotationGrace, maxRotationGrace)
	case c.TouchInterval > c.IdleTimeout/2:
		return fmt.Errorf("sessiond: TouchInterval %v exceeds half of IdleTimeout", c.TouchInterval)
	case !strings.HasPrefix(c.CookieName, hostPrefix) || len(c.CookieName) == len(hostPrefix):
		return fmt.Errorf("sessiond: CookieName %q must start with %q", c.CookieName, hostPrefix)
	case !validCookieName(c.CookieName):
		return fmt.Errorf("sessiond: CookieName %q is not a valid cookie name", c.CookieName)
	case c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode:
		return errors.New("sessiond: SameSite must be Lax or Strict")
	case !c.Anomaly.valid():
		return errors.New("sessiond: unknown anomaly Action")
	}
	return c.DeviceBinding.validate(c.CookieName)
}

// orDefault returns d when v is zero.
func orDefault(v, d time.Duration) time.Duration {
	if v == 0 {
		return d
	}
	return v
}

// validCookieName reports whether name is an RFC 6265 token.
func validCookieName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// Action is what the anomaly policy does about a signal.
type Action int

// The actions, from the mildest. Every one writes a session.anomaly audit
// event.
const (
	// ActionAudit allows the request; the new value becomes the one
	// compared next.
	ActionAudit Action = iota + 1
	// ActionReauth demands re-authentication: the session grants nothing
	// ([StateReauthRequired]) until [Session.Reauth].
	ActionReauth
	// ActionRevoke ends the session (reason "anomaly").
	ActionRevoke
)

// AnomalyPolicy says what to do when a request's client differs from the
// one the session last saw. The zero value is the default policy.
type AnomalyPolicy struct {
	// IPChange applies when the IP moves out of its /24 (IPv4) or /48
	// (IPv6) alone. Default ActionAudit.
	IPChange Action
	// UserAgentChange applies when the User-Agent changes alone. Default
	// ActionReauth.
	UserAgentChange Action
	// BothChange applies when both change at once. Default ActionRevoke.
	BothChange Action
}

// withDefaults fills in the zero fields.
func (p AnomalyPolicy) withDefaults() AnomalyPolicy {
	p.IPChange = max(p.IPChange, ActionAudit)
	if p.UserAgentChange == 0 {
		p.UserAgentChange = ActionReauth
	}
	if p.BothChange == 0 {
		p.BothChange = ActionRevoke
	}
	return p
}

// valid reports whether every action is known.
func (p AnomalyPolicy) valid() bool {
	for _, a := range []Action{p.IPChange, p.UserAgentChange, p.BothChange} {
		if a < ActionAudit || a > ActionRevoke {
			return false
		}
	}
	return true
}

// judge names the signal and picks the action; no signal is action 0.
func (p AnomalyPolicy) judge(ipMoved, uaChanged bool) (string, Action) {
	switch {
	case ipMoved && uaChanged:
		return ReasonIPAndUserAgentChange, p.BothChange
	case uaChanged:
		return ReasonUserAgentChange, p.UserAgentChange
	case ipMoved:
		return ReasonIPChange, p.IPChange
	}
	return "", 0
}
