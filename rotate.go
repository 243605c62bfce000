package sessiond

import (
	"context"
	"time"
)

// maxRetired is how many rotated-out token hashes a session remembers, so
// that the replay of any of them is recognised as theft.
const maxRetired = 8

// Renew replaces the session's token and returns the new one: call it on
// every change of privilege (a role, a password). The old
// token keeps working for Config.RotationGrace, for requests already in
// flight; after that it is treated as stolen. Inside the middleware the new
// cookie is set for the response. Everything else, the absolute deadline
// and auth_time included, is kept.
func (s *Session) Renew(ctx context.Context) (string, error) {
	return s.rotate(ctx, EventRotated, ReasonRenew, nil)
}

// Reauth records a fresh proof of identity by the given methods: auth_time
// becomes now, the methods replace the session's (a session never counts as
// stronger than its latest proof), a demand for re-authentication is
// lifted, the client's IP and User-Agent are recorded, and the token is
// rotated. The absolute deadline is kept. A half-finished login cannot
// re-authenticate ([ErrPending]): it is finished by a new login.
func (s *Session) Reauth(ctx context.Context, methods []string) (string, error) {
	if s.State() == StatePending {
		return "", ErrPending
	}
	return s.rotate(ctx, EventReauthenticated, "", func(next *Record, now time.Time) {
		next.ReauthRequired = false
		next.AuthTime = now
		next.AuthMethods = append([]string(nil), methods...)
		if s.client.IP != "" {
			next.IP = s.client.IP
		}
		if s.client.UserAgent != "" {
			next.UserAgent = s.client.UserAgent
		}
	})
}

// rotate issues a new token, applies extra to the new record, and audits
// the event t with reason.
func (s *Session) rotate(ctx context.Context, t EventType, reason string, extra func(*Record, time.Time)) (string, error) {
	if err := s.h.canWrite(); err != nil {
		return "", err
	}
	tok, h, err := newToken(s.m.cfg.Rand)
	if err != nil {
		return "", err
	}
	err = s.update(ctx, false, func(next *Record) error {
		now := s.m.now()
		s.m.reissue(next, h, now)
		if extra != nil {
			extra(next, now)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	rec := s.record()
	s.m.audit(ctx, t, rec, s.client, reason)
	s.h.issue(tok)
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
	s.m.audit(ctx, EventRotated, s.record(), s.client, ReasonPeriodic)
	return tok, nil
}
