package sessiond

import (
	"context"
	"encoding/json"
	"maps"
)

// Commit writes the pending data changes. Concurrent changes to other keys
// of the same session are kept: on a version conflict the fresh data is
// reloaded and the changes applied to it again. Inside the middleware it
// runs by itself before the response begins.
func (s *Session) Commit(ctx context.Context) error {
	return s.commit(ctx, false)
}

// CommitVersion writes the pending data changes only if the session is still
// at version; otherwise it returns [ErrConflict] and changes nothing.
func (s *Session) CommitVersion(ctx context.Context, version int64) error {
	if s.Version() != version {
		return ErrConflict
	}
	return s.commit(ctx, true)
}

// commit writes pending changes, if any, and clears them.
func (s *Session) commit(ctx context.Context, strict bool) error {
	s.mu.Lock()
	changes := maps.Clone(s.changes)
	s.mu.Unlock()
	if len(changes) == 0 {
		return nil
	}
	var values map[string]json.RawMessage
	err := s.update(ctx, strict, func(next *Record) error {
		stored, err := s.m.openData(next)
		if err != nil {
			return err
		}
		values = applyChanges(stored, changes)
		next.Data, err = s.m.sealData(next.ID, values)
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values = values
	for k, v := range changes {
		if raw, ok := s.changes[k]; ok && string(raw) == string(v) {
			delete(s.changes, k)
		}
	}
	return nil
}
