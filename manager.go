package sessiond

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrInvalidToken is returned when a token does not lead to a live session:
// it is malformed, unknown, expired, revoked, or a rotated-out token past
// its grace window. The cases are deliberately indistinguishable; the audit
// log says which it was.
var ErrInvalidToken = errors.New("sessiond: invalid session token")

// Manager creates, loads, rotates and revokes sessions in a [Store]. It is
// immutable after [New] and safe for concurrent use.
type Manager struct {
	store Store
	cfg   Config
	keys  *KeyRing
	flood *floodGuard
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
	m := &Manager{store: store, cfg: cfg, keys: keys, flood: newFloodGuard(cfg.InvalidTokenLimit)}
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
