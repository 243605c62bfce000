package sessiond

import (
	"cmp"
	"context"
	"slices"
)

// ReasonEvicted is the reason of a revocation by the session limit.
const ReasonEvicted = "evicted"

// evict enforces Config.MaxSessionsPerUser after a login of user: past the
// limit, the oldest sessions (by creation) are revoked and audited as
// session.evicted. Half-finished logins neither count nor go.
func (m *Manager) evict(ctx context.Context, user, keep string) error {
	limit := m.cfg.MaxSessionsPerUser
	if limit <= 0 {
		return nil
	}
	sessions, err := m.List(ctx, user)
	if err != nil {
		return err
	}
	others := slices.DeleteFunc(sessions, func(s *Session) bool { return s.rec.ID == keep })
	excess := len(others) - (limit - 1) // the kept session counts too
	if excess <= 0 {
		return nil
	}
	slices.SortFunc(others, func(a, b *Session) int {
		return cmp.Or(a.rec.CreatedAt.Compare(b.rec.CreatedAt), cmp.Compare(a.rec.ID, b.rec.ID))
	})
	for _, s := range others[:excess] {
		if err := m.store.Delete(ctx, s.rec.ID); err != nil {
			return storeErr(err)
		}
		m.audit(ctx, EventEvicted, s.rec, Client{}, ReasonEvicted)
	}
	return nil
}
