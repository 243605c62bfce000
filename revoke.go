package sessiond

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Revoke ends the session on the server at once, with no grace for any of
// its tokens, and audits reason (e.g. [ReasonLogout]). Inside the middleware
// the cookie is expired in the response. Revoking twice is not an error.
//
// A request holding a rotated-out token inside its grace window may revoke
// (log out) too: ending the session hands its holder nothing, and a thief
// who can end it could as well replay the token after the grace window,
// which ends it as stolen.
func (s *Session) Revoke(ctx context.Context, reason string) error {
	if err := s.rq.canWrite(); err != nil {
		return err
	}
	if err := s.revoke(ctx, reason); err != nil {
		return err
	}
	s.rq.drop(s)
	return nil
}

// revoke deletes the session from the store once.
func (s *Session) revoke(ctx context.Context, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revoked {
		return nil
	}
	if err := s.m.store.Delete(ctx, s.rec.ID); err != nil {
		return storeErr(err)
	}
	s.revoked = true
	s.m.audit(ctx, EventRevoked, s.rec, s.client, reason)
	return nil
}

// RevokeOthers ends every other session of the session's user ("sign out
// everywhere else") and returns how many it ended. It acts on the user's
// account, so only an active session ([ErrPending], [ErrReauthRequired])
// whose current token the request holds ([ErrStaleToken]) may.
func (s *Session) RevokeOthers(ctx context.Context, reason string) (int, error) {
	s.mu.Lock()
	rec, presented, revoked := s.rec, s.presented, s.revoked
	s.mu.Unlock()
	switch {
	case revoked:
		return 0, ErrInvalidToken
	case rec.TokenHash != presented:
		return 0, ErrStaleToken
	}
	if err := rec.mayAct(); err != nil {
		return 0, err
	}
	return s.m.RevokeUser(ctx, rec.UserID, reason, rec.ID)
}

// Logout revokes the request's session, if any, with [ReasonLogout] and
// expires its cookie.
func (m *Manager) Logout(ctx context.Context) error {
	if s := FromContextAny(ctx); s != nil {
		return s.Revoke(ctx, ReasonLogout)
	}
	return nil
}

// RevokeID ends the session with the given public id and reports whether
// there was one.
func (m *Manager) RevokeID(ctx context.Context, id, reason string) (bool, error) {
	rec, found, err := m.store.Get(ctx, id)
	if err != nil || !found {
		return false, storeErrOrNil(err)
	}
	if err := m.store.Delete(ctx, id); err != nil {
		return false, storeErr(err)
	}
	m.audit(ctx, EventRevoked, rec, Client{}, reason)
	return true, nil
}

// RevokeUser ends every session of a user except those whose ids are in
// except, and returns how many it ended. A store that is a
// [BatchDeleter] deletes them in one write; should that fail, some may
// have ended, and it returns 0 with the error. Each session ended is
// audited.
func (m *Manager) RevokeUser(ctx context.Context, userID, reason string, except ...string) (int, error) {
	recs, err := m.store.ListUser(ctx, userID)
	if err != nil {
		return 0, storeErr(err)
	}
	var ending []*Record
	for _, rec := range recs {
		if !slices.Contains(except, rec.ID) {
			ending = append(ending, rec)
		}
	}
	if b, ok := m.store.(BatchDeleter); ok && len(ending) > 0 {
		ids := make([]string, len(ending))
		for i, rec := range ending {
			ids[i] = rec.ID
		}
		if err := b.DeleteMany(ctx, ids); err != nil {
			return 0, storeErr(err)
		}
		for _, rec := range ending {
			m.audit(ctx, EventRevoked, rec, Client{}, reason)
		}
		return len(ending), nil
	}
	for i, rec := range ending {
		if err := m.store.Delete(ctx, rec.ID); err != nil {
			return i, storeErr(err)
		}
		m.audit(ctx, EventRevoked, rec, Client{}, reason)
	}
	return len(ending), nil
}

// RevokeEverything ends every session in the store, for incident response,
// and returns how many it ended.
func (m *Manager) RevokeEverything(ctx context.Context) (int, error) {
	n, err := m.store.DeleteAll(ctx)
	if err != nil {
		return n, storeErr(err)
	}
	m.Audit(ctx, Event{Type: EventRevoked, Reason: ReasonAll})
	return n, nil
}

// storeErrOrNil wraps a non-nil store error.
func storeErrOrNil(err error) error {
	if err == nil {
		return nil
	}
	return storeErr(err)
}

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

// ErrBadCursor is returned by [Manager.ListAll], and by
// [EventPager.QueryEventPage], for a page cursor they did not make.
var ErrBadCursor = errors.New("sessiond: malformed page cursor")

// maxListPage bounds the page of [Manager.ListAll].
const maxListPage = 1000

// ListAll returns a page of the live sessions of every user, leaving out
// half-finished logins: at most limit (1 to 1000) of them, the newest
// logins first (by absolute deadline, see [SessionLister]), from the
// position of cursor ("" for the first page), and the cursor of the next
// page, "" after the last. It reads the store a page at a time, never
// every session. The store must be a [SessionLister]; with another, the
// error wraps [errors.ErrUnsupported]. A cursor that ListAll did not make
// is [ErrBadCursor].
func (m *Manager) ListAll(ctx context.Context, cursor string, limit int) ([]*Session, string, error) {
	l, ok := m.store.(SessionLister)
	if !ok {
		return nil, "", fmt.Errorf("sessiond: the store cannot list every session: %w", errors.ErrUnsupported)
	}
	after, err := parseListCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	limit = min(max(limit, 1), maxListPage)
	now := m.now()
	var out []*Session
	for {
		// One more than wanted, to know whether a next page has any.
		want := limit - len(out) + 1
		recs, err := l.ListAll(ctx, after, want)
		if err != nil {
			return nil, "", listErr(err)
		}
		for _, rec := range recs {
			if len(out) == limit {
				return out, listCursor(after), nil
			}
			after = rec.Position()
			if now.Before(rec.ExpiresAt()) && !rec.Pending {
				out = append(out, m.newSession(rec, Client{}, Hash{}))
			}
		}
		if len(recs) < want {
			return out, "", nil
		}
	}
}

// listErr wraps an error of SessionLister.ListAll: ErrUnsupported as it
// is, any other as the store's failure.
func listErr(err error) error {
	if errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("sessiond: the store cannot list every session: %w", err)
	}
	return storeErr(err)
}

// listCursor is the cursor of the page after p: its absolute deadline in
// Unix nanoseconds, a dot, and its id.
func listCursor(p ListPosition) string {
	return strconv.FormatInt(p.AbsoluteExpiresAt.UnixNano(), 10) + "." + p.ID
}

// parseListCursor reads what listCursor wrote; "" is the top. Session
// ids are short: a cursor past 256 bytes is none of ListAll's.
func parseListCursor(c string) (ListPosition, error) {
	if c == "" {
		return ListPosition{}, nil
	}
	ns, id, ok := strings.Cut(c, ".")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" || len(c) > 256 {
		return ListPosition{}, ErrBadCursor
	}
	return ListPosition{AbsoluteExpiresAt: time.Unix(0, n).UTC(), ID: id}, nil
}
