package sessiond

import (
	"context"
	"time"
)

// Load validates a token presented by client c and returns its session.
// When the token was due for periodic rotation (Config.RotateEvery) it is
// replaced, and the new token is returned for the caller to deliver;
// otherwise the returned token is empty. Every invalid token gives
// [ErrInvalidToken]; any other error means the store could not answer, and
// the caller must refuse the request (fail closed).
func (m *Manager) Load(ctx context.Context, token string, c Client) (*Session, string, error) {
	s := new(Session)
	tok, err := m.load(ctx, token, c, true, s)
	if err != nil {
		return nil, "", err
	}
	return s, tok, nil
}

// load is Load into s, with periodic rotation optional.
func (m *Manager) load(ctx context.Context, token string, c Client, rotate bool, s *Session) (string, error) {
	h, ok := parseToken(token)
	if !ok {
		return "", ErrInvalidToken
	}
	rec, found, err := m.store.Find(ctx, h)
	if err != nil {
		return "", storeErr(err)
	}
	if !found {
		return "", ErrInvalidToken
	}
	now := m.now()
	current, err := m.checkToken(ctx, rec, h, now, c)
	if err != nil {
		return "", err
	}
	if err := m.checkDeadlines(ctx, rec, now, c); err != nil {
		return "", err
	}
	if current && rotate && now.Sub(rec.TokenIssuedAt) >= m.cfg.RotateEvery {
		s.init(m, rec, c, h)
		return s.rotateIfDue(ctx, now)
	}
	rec, err = m.touch(ctx, rec, now)
	s.init(m, rec, c, h)
	return "", err
}

// checkToken reports whether h is rec's current token. A retired token is
// accepted inside its grace window; after it, the session is revoked as
// stolen.
func (m *Manager) checkToken(ctx context.Context, rec *Record, h Hash, now time.Time, c Client) (bool, error) {
	if rec.TokenHash == h {
		return true, nil
	}
	for _, t := range rec.Retired {
		if t.Hash != h {
			continue
		}
		if now.Before(t.GraceUntil) {
			return false, nil
		}
		m.audit(ctx, EventTokenReused, rec, c, ReasonTokenReuse)
		return false, m.end(ctx, rec, c, EventRevoked, ReasonTokenReuse)
	}
	return false, ErrInvalidToken
}

// checkDeadlines ends a session whose idle or absolute deadline has passed.
func (m *Manager) checkDeadlines(ctx context.Context, rec *Record, now time.Time, c Client) error {
	switch {
	case !now.Before(rec.AbsoluteExpiresAt):
		return m.end(ctx, rec, c, EventExpired, ReasonAbsolute)
	case !now.Before(rec.IdleExpiresAt):
		return m.end(ctx, rec, c, EventExpired, ReasonIdle)
	}
	return nil
}

// end deletes rec, audits why, and answers ErrInvalidToken (or the store's
// error: the session must not be reported gone while it is still there).
func (m *Manager) end(ctx context.Context, rec *Record, c Client, t EventType, reason string) error {
	if err := m.store.Delete(ctx, rec.ID); err != nil {
		return storeErr(err)
	}
	m.audit(ctx, t, rec, c, reason)
	return ErrInvalidToken
}

// touch records activity at most once per TouchInterval, moving the idle
// deadline without rewriting the session, and returns the record as
// touched.
func (m *Manager) touch(ctx context.Context, rec *Record, now time.Time) (*Record, error) {
	if now.Sub(rec.LastSeenAt) < m.cfg.TouchInterval {
		return rec, nil
	}
	idle := m.idleDeadline(now, rec.AbsoluteExpiresAt)
	if err := m.store.Touch(ctx, rec.ID, now, idle); err != nil {
		return nil, storeErr(err)
	}
	touched := *rec // the store's record is read-only
	touched.LastSeenAt, touched.IdleExpiresAt = now, idle
	return &touched, nil
}
