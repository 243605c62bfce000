package sessiond

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sessiond/sessiond/forwarded"
)

// ErrInvalidToken is returned when a token does not lead to a live session:
// it is malformed, unknown, expired, revoked, or a rotated-out token past
// its grace window. The cases are deliberately indistinguishable; the audit
// log says which it was.
var ErrInvalidToken = errors.New("sessiond: invalid session token")

// Manager creates, loads, rotates and revokes sessions in a [Store]. It is
// immutable after [New] and safe for concurrent use.
type Manager struct {
	store         Store
	cfg           Config
	keys          *KeyRing
	invalidTokens *invalidTokenCounter
	// dbsc serves device binding; nil when Config.DeviceBinding is off.
	dbsc *deviceBinding
}

// New returns a Manager on store. It fills in the defaults of cfg and
// returns an error for a setting it refuses.
func New(store Store, cfg Config) (*Manager, error) {
	if store == nil {
		return nil, errors.New("sessiond: nil store")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(cfg.Keys) == 0 {
		cfg.Keys, err = ephemeralKey(cfg.Rand)
		if err != nil {
			return nil, err
		}
	}
	keys, err := NewKeyRing(cfg.Keys)
	if err != nil {
		return nil, err
	}
	m := &Manager{store: store, cfg: cfg, keys: keys, invalidTokens: newInvalidTokenCounter(cfg.InvalidTokenLimit)}
	if cfg.DeviceBinding.Enabled {
		if m.dbsc, err = newDeviceBinding(cfg.DeviceBinding, cfg.Keys); err != nil {
			return nil, err
		}
	}
	if w, ok := store.(ExpiryWatcher); ok {
		w.OnExpire(m.swept)
	}
	return m, nil
}

// ephemeralKey makes the random key used when Config.Keys is empty.
func ephemeralKey(r io.Reader) ([]Key, error) {
	secret := make([]byte, 32)
	if _, err := io.ReadFull(r, secret); err != nil {
		return nil, fmt.Errorf("sessiond: reading randomness: %w", err)
	}
	return []Key{{ID: 0, Secret: secret}}, nil
}

// Store returns the store the Manager was made with.
func (m *Manager) Store() Store { return m.store }

// now is the current time as stored: UTC, without a monotonic reading, to
// the microsecond (the finest every store keeps).
func (m *Manager) now() time.Time {
	return m.cfg.Now().UTC().Truncate(time.Microsecond)
}

// idleDeadline is the idle deadline of activity at now: never past abs.
func (m *Manager) idleDeadline(now, abs time.Time) time.Time {
	idle := now.Add(m.cfg.IdleTimeout)
	if idle.After(abs) {
		return abs
	}
	return idle
}

// storeErr wraps a store failure so that errors.Is matches both this
// package's errors and the driver's.
func storeErr(err error) error {
	return fmt.Errorf("sessiond: store: %w", err)
}

// swept is the store's expiry callback: it audits sessions a sweeper
// removed.
func (m *Manager) swept(ctx context.Context, rec *Record) {
	reason := ReasonIdle
	if !rec.AbsoluteExpiresAt.After(rec.IdleExpiresAt) {
		reason = ReasonAbsolute
	}
	m.audit(ctx, EventExpired, rec, Client{}, reason)
}

// maxUserAgent bounds the User-Agent kept with a session.
const maxUserAgent = 512

// Client describes who sent a request: it is recorded at login, compared by
// the anomaly policy and written into audit events. The zero Client means
// the client is not known (a session loaded by a background task): nothing
// is compared.
type Client struct {
	// IP is the client's address; empty when not known.
	IP string
	// UserAgent is the request's User-Agent header. An empty one, where
	// the session recorded one, is a change of User-Agent (unless the
	// whole Client is zero).
	UserAgent string
}

// ClientFromRequest takes the client from the connection's address and the
// User-Agent header. Forwarding headers are ignored: see [Manager.Client]
// for a deployment behind trusted proxies.
func ClientFromRequest(r *http.Request) Client {
	return clientFrom(r, nil)
}

// Client returns the request's client. When the connection comes from one
// of Config.TrustedProxies, the address is taken from X-Forwarded-For: the
// nearest hop that is not itself a trusted proxy
// ([forwarded.Proxies.ClientIP]). No other client's forwarding headers
// are believed.
func (m *Manager) Client(r *http.Request) Client {
	return clientFrom(r, m.cfg.TrustedProxies)
}

// clientFrom is ClientFromRequest behind the given trusted proxies.
func clientFrom(r *http.Request, trusted []netip.Prefix) Client {
	return Client{IP: forwarded.Proxies(trusted).ClientIP(r), UserAgent: clip(r.UserAgent(), maxUserAgent)}
}

// clip shortens s to at most n bytes, never inside a UTF-8 character, and
// drops bytes that are not UTF-8: every store can keep the result as text.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
		for n > 0 && !utf8.RuneStart(s[n-1]) {
			n--
		}
		if n > 0 && !utf8.FullRuneInString(s[n-1:]) {
			n--
		}
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
