package sessiond

import (
	"cmp"
	"context"
	"slices"
)

// List returns a user's live sessions, most recently active first, leaving
// out half-finished logins. It reads the store's per-user index, never
// every session.
func (m *Manager) List(ctx context.Context, userID string) ([]*Session, error) {
	recs, err := m.store.ListUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err)
	}
	now := m.now()
	out := make([]*Session, 0, len(recs))
	for _, rec := range recs {
		if now.Before(rec.ExpiresAt()) && !rec.Pending {
			out = append(out, m.newSession(rec, Client{}, Hash{}))
		}
	}
	slices.SortFunc(out, func(a, b *Session) int {
		return cmp.Or(b.rec.LastSeenAt.Compare(a.rec.LastSeenAt), cmp.Compare(a.rec.ID, b.rec.ID))
	})
	return out, nil
}

// Get returns the live session with the given public id, for operators and
// for applications acting on a listed session. It reports false when there
// is none.
func (m *Manager) Get(ctx context.Context, id string) (*Session, bool, error) {
	rec, found, err := m.store.Get(ctx, id)
	if err != nil {
		return nil, false, storeErr(err)
	}
	if !found || !m.now().Before(rec.ExpiresAt()) {
		return nil, false, nil
	}
	return m.newSession(rec, Client{}, Hash{}), true, nil
}
