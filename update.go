package sessiond

import (
	"context"
	"errors"
	"fmt"
)

// maxAttempts bounds the compare-and-swap retries of one update. Every
// round has a winner, so this many concurrent writers to one session
// always get through.
const maxAttempts = 128

// active records a write as activity, so that it never carries back an
// older LastSeenAt than a concurrent touch wrote. It never revives a
// session whose deadline has passed.
func (m *Manager) active(next *Record) {
	now := m.now()
	if now.After(next.LastSeenAt) && now.Before(next.ExpiresAt()) {
		next.LastSeenAt = now
		next.IdleExpiresAt = m.idleDeadline(now, next.AbsoluteExpiresAt)
	}
}

// errSkip, returned by an update's change function, ends the update without
// a write.
var errSkip = errors.New("skip")

// update writes a change to the session with compare-and-swap on its
// version; every write counts as activity. change edits next, a copy of the current record (it replaces
// slices, never writes into them); on a conflict the record is reloaded and
// change runs again on the fresh copy. With strict, a conflict is returned
// as ErrConflict instead.
func (s *Session) update(ctx context.Context, strict bool, change func(next *Record) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revoked {
		return ErrInvalidToken
	}
	for range maxAttempts {
		base := s.rec
		next := *base
		if err := change(&next); err != nil {
			if errors.Is(err, errSkip) {
				return nil
			}
			return err
		}
		next.Version = base.Version + 1
		s.m.active(&next)
		err := s.m.store.Update(ctx, &next, base.Version)
		if err == nil {
			s.rec = &next
			return nil
		}
		if !errors.Is(err, ErrConflict) {
			return storeErr(err)
		}
		if strict {
			return ErrConflict
		}
		if err := s.reloadLocked(ctx); err != nil {
			return err
		}
	}
	return fmt.Errorf("sessiond: session %s: %w after %d attempts", s.rec.ID, ErrConflict, maxAttempts)
}

// reloadLocked fetches the current record after a conflict. A session that
// is gone, or whose presented token no longer leads to it, is invalid.
func (s *Session) reloadLocked(ctx context.Context) error {
	rec, found, err := s.m.store.Get(ctx, s.rec.ID)
	if err != nil {
		return storeErr(err)
	}
	if !found {
		s.revoked = true
		return ErrInvalidToken
	}
	s.rec = rec
	s.values = nil
	return nil
}
