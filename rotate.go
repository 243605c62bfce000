package sessiond

import (
	"context"
	"fmt"
	"time"
)

// maxRetired is how many rotated-out token hashes a session remembers, so
// that the replay of any of them is recognised as theft.
const maxRetired = 8

// ErrStaleToken is returned by [Session.Renew], [Session.Reauth],
// [Session.RevokeOthers] and a [Guard] that demands a fresh or strong
// login when the request does not hold the session's current token: it
// presented a rotated-out token still inside its grace window, or the
// session came from [Manager.List] or [Manager.Get]. A token inside its
// grace window serves the requests that were in flight when it was
// rotated, reading and writing the session's data, but it never obtains a
// new token and never acts on the account: whoever stole it must not turn
// it into a live one. ErrStaleToken wraps [ErrInvalidToken], so it is
// answered like any other invalid token.
var ErrStaleToken = fmt.Errorf("%w: not the session's current token", ErrInvalidToken)

// Renew replaces the session's token and returns the new one: call it on
// every change of privilege (a role, a password). The old token keeps
// working for Config.RotationGrace, for requests already in flight; after
// that it is treated as stolen. Inside the middleware the new cookie is
// set for the response. Everything else, the absolute deadline and
// auth_time included, is kept.
//
// Only an active session renews ([ErrPending], [ErrReauthRequired]), and
// only for the holder of its current token ([ErrStaleToken]).
func (s *Session) Renew(ctx context.Context) (string, error) {
	return s.rotate(ctx, EventRotated, ReasonRenew, func(next *Record, _ time.Time) error {
		return next.mayAct()
	})
}

// Reauth records a fresh proof of identity by the given methods: auth_time
// becomes now, the methods replace the session's (a session never counts as
// stronger than its latest proof), a demand for re-authentication is
// lifted, the client's IP and User-Agent are recorded, and the token is
// rotated. The absolute deadline is kept. A half-finished login cannot
// re-authenticate ([ErrPending]): it is finished by a new login. Only the
// holder of the current token can ([ErrStaleToken]).
func (s *Session) Reauth(ctx context.Context, methods []string) (string, error) {
	return s.rotate(ctx, EventReauthenticated, "", func(next *Record, now time.Time) error {
		if next.Pending {
			return ErrPending
		}
		next.ReauthRequired = false
		next.AuthTime = now
		next.AuthMethods = append([]string(nil), methods...)
		if s.client.IP != "" {
			next.IP = s.client.IP
		}
		if s.client.UserAgent != "" {
			next.UserAgent = clip(s.client.UserAgent, maxUserAgent)
		}
		return nil
	})
}

// mayAct reports why a session may not act on its user's account (renew
// its token, end the user's other sessions), or nil when it may.
func (r *Record) mayAct() error {
	switch r.state() {
	case StatePending:
		return ErrPending
	case StateReauthRequired:
		return ErrReauthRequired
	}
	return nil
}

// rotate issues a new token to the holder of the current one, applies
// change to the new record, and audits the event t with reason. An error
// from change refuses the rotation.
func (s *Session) rotate(ctx context.Context, t EventType, reason string, change func(*Record, time.Time) error) (string, error) {
	if err := s.rq.canWrite(); err != nil {
		return "", err
	}
	tok, h, err := newToken(s.m.cfg.Rand)
	if err != nil {
		return "", err
	}
	err = s.update(ctx, false, func(next *Record) error {
		// Checked on the record as it is now, so that a rotation by a
		// concurrent request also makes this one's token stale.
		if next.TokenHash != s.presented {
			return ErrStaleToken
		}
		now := s.m.now()
		if err := change(next, now); err != nil {
			return err
		}
		s.m.reissue(next, h, now)
		return nil
	})
	if err != nil {
		return "", err
	}
	s.hold(h)
	rec := s.record()
	s.m.audit(ctx, t, rec, s.client, reason)
	s.rq.issue(tok)
	return tok, nil
}

// reissue gives next the token hash h at now, retiring the current one with
// its grace window.
func (m *Manager) reissue(next *Record, h Hash, now time.Time) {
	retired := make([]RetiredToken, 0, maxRetired)
	retired = append(retired, RetiredToken{Hash: next.TokenHash, GraceUntil: now.Add(m.cfg.RotationGrace)})
	retired = append(retired, next.Retired[:min(len(next.Retired), maxRetired-1)]...)
	next.Retired = retired
	next.TokenHash = h
	next.TokenIssuedAt = now
}

// rotateIfDue is the periodic rotation of a loaded session: when the
// presented token is still the current one and older than RotateEvery, it
// is replaced. A concurrent request may have rotated it first; then the
// presented token is in its grace window and nothing is issued.
func (s *Session) rotateIfDue(ctx context.Context, now time.Time) (string, error) {
	tok, h, err := newToken(s.m.cfg.Rand)
	if err != nil {
		return "", err
	}
	err = s.update(ctx, false, func(next *Record) error {
		if next.TokenHash != s.presented {
			return errSkip
		}
		s.m.reissue(next, h, now)
		return nil
	})
	if err != nil || s.record().TokenHash != h {
		return "", err
	}
	s.hold(h)
	s.m.audit(ctx, EventRotated, s.record(), s.client, ReasonPeriodic)
	return tok, nil
}

// hold records that the request now holds the token whose hash is h, which
// a rotation has just issued to it.
func (s *Session) hold(h Hash) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.presented = h
}
