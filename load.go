package sessiond

import (
	"context"
	"errors"
	"time"
)

// Load validates a token presented by client c and returns its session.
// When the token was due for periodic rotation (Config.RotateEvery) it is
// replaced, and the new token is returned for the caller to deliver;
// otherwise the returned token is empty. Every invalid token gives
// [ErrInvalidToken], or [ErrThrottled] once the client has presented too
// many; any other error means the store could not answer, and the caller
// must refuse the request (fail closed).
//
// The session's client is compared with c by the anomaly policy
// (Config.Anomaly); a session it revokes is ErrInvalidToken, one that must
// re-authenticate is returned with [StateReauthRequired].
func (m *Manager) Load(ctx context.Context, token string, c Client) (*Session, string, error) {
	s := new(Session)
	tok, err := m.load(ctx, token, c, true, s)
	if err != nil {
		return nil, "", err
	}
	return s, tok, nil
}

// load is Load into s, with periodic rotation optional. It counts invalid
// tokens against the client.
func (m *Manager) load(ctx context.Context, token string, c Client, rotate bool, s *Session) (string, error) {
	tok, err := m.validate(ctx, token, c, rotate, s)
	if !errors.Is(err, ErrInvalidToken) {
		return tok, err
	}
	blocked, started := m.flood.failure(c.IP, m.now())
	if started {
		m.Audit(ctx, Event{Type: EventThrottled, IP: c.IP, UserAgent: c.UserAgent, Reason: "invalid_tokens"})
	}
	if blocked {
		return "", ErrThrottled
	}
	return "", err
}

// validate checks a token and loads its session into s.
func (m *Manager) validate(ctx context.Context, token string, c Client, rotate bool, s *Session) (string, error) {
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
	s.init(m, rec, c, h)
	if err := s.anomaly(ctx); err != nil {
		return "", err
	}
	if current && rotate && now.Sub(rec.TokenIssuedAt) >= m.cfg.RotateEvery {
		return s.rotateIfDue(ctx, now)
	}
	return "", s.touch(ctx, now)
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
// deadline without rewriting the session.
func (s *Session) touch(ctx context.Context, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.rec.LastSeenAt) < s.m.cfg.TouchInterval {
		return nil
	}
	idle := s.m.idleDeadline(now, s.rec.AbsoluteExpiresAt)
	var err error
	if tt, ok := s.m.store.(TokenToucher); ok {
		err = tt.TouchToken(ctx, s.rec.ID, s.rec.TokenHash, now, idle)
	} else {
		err = s.m.store.Touch(ctx, s.rec.ID, now, idle)
	}
	if err != nil {
		return storeErr(err)
	}
	touched := *s.rec // the store's record is read-only
	touched.LastSeenAt, touched.IdleExpiresAt = now, idle
	s.rec = &touched
	return nil
}
