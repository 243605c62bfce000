package redisstore

import (
	"context"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
)

// ListUser returns the records of userID from the user's index of ids:
// the index, then the ids' id keys in one pipeline, then their homes in
// another. Three round trips, whatever the number of records (more for a
// home a rotation is moving). Ids whose id key is gone (the record was
// deleted, or its absolute deadline passed) leave the index on the way, in a
// fourth. Ids that lead to no home (it expired when idle) or to a record
// of another user are skipped; they leave the index at the absolute
// deadline, with their id key. An id is never removed on what a lookup
// racing an update might see.
func (s *Store) ListUser(ctx context.Context, userID string) ([]*sessiond.Record, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if userID == "" {
		return nil, nil
	}
	ids, err := s.run1(ctx, call{s: userIDs, key: s.k.user(userID)}).AsStrSlice()
	if err != nil || len(ids) == 0 {
		return nil, wrap("list user", err)
	}
	homes, dead, err := s.locateAll(ctx, ids)
	if err != nil {
		return nil, wrap("list user", err)
	}
	var recs []*sessiond.Record
	for i, t := range homes {
		if t.id == "" {
			continue
		}
		rec, err := t.record(ids[i])
		if err != nil {
			return nil, err
		}
		if rec.UserID == userID {
			recs = append(recs, rec)
		}
	}
	return recs, s.forget(ctx, userID, dead)
}

// addUserCall adds rec to its user's index.
func (s *Store) addUserCall(rec *sessiond.Record) call {
	return call{s: addUser, key: s.k.user(rec.UserID), args: []string{rec.ID, millis(rec.AbsoluteExpiresAt), millis(s.cfg.Now())}}
}

// forget removes dead ids from the user's index.
func (s *Store) forget(ctx context.Context, userID string, dead []string) error {
	if len(dead) == 0 {
		return nil
	}
	_, err := s.write(ctx, call{s: removeUser, key: s.k.user(userID), args: dead})
	return wrap("list user", err)
}

// locateAll is locate for many ids at once, in two pipelines; a home
// that moved is followed on its own. An id without a home gets an empty
// tok; dead are the ids without an id key.
func (s *Store) locateAll(ctx context.Context, ids []string) (homes []tok, dead []string, err error) {
	gets := make(rueidis.Commands, len(ids))
	for i, id := range ids {
		gets[i] = s.c.B().Get().Key(s.k.id(id)).Build()
	}
	hashes := make([]string, len(ids))
	var reads []call
	for i, r := range s.c.DoMulti(ctx, gets...) {
		h, err := r.ToString()
		switch {
		case rueidis.IsRedisNil(err):
			dead = append(dead, ids[i])
		case err != nil:
			return nil, nil, err
		default:
			hashes[i] = homeOf(h)
			reads = append(reads, call{cmd: s.c.B().Get().Key(s.k.token(hashes[i])).Build()})
		}
	}
	homes, err = s.readHomes(ctx, ids, hashes, s.run(ctx, reads...))
	return homes, dead, err
}

// readHomes matches the token keys read (res, one for each non-empty
// hash) to ids, following those that are links.
func (s *Store) readHomes(ctx context.Context, ids, hashes []string, res []rueidis.RedisResult) ([]tok, error) {
	homes := make([]tok, len(ids))
	j := 0
	for i, h := range hashes {
		if h == "" {
			continue
		}
		t, err := parseGet(h, res[j])
		j++
		if err == nil && t.id == ids[i] && !t.home {
			t, err = s.follow(ctx, t)
		}
		if err != nil {
			return nil, err
		}
		if t.id == ids[i] {
			homes[i] = t
		}
	}
	return homes, nil
}
