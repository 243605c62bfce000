package redisstore

import (
	"context"

	"github.com/redis/rueidis"
)

// Delete removes the record id: DeleteMany of the one id.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.DeleteMany(ctx, []string{id})
}

// DeleteMany removes the records ids: it deletes their homes first, at
// which moment no lookup finds them any more, then in one pipeline their
// links, id keys, user entries and places in the list. Three round trips
// whatever the number of ids: their id keys, their homes, the rest (one
// more for each home that a rotation is moving). A missing record is not
// an error; one whose home Redis has let expire keeps its id key and
// links until their own expiry, at its absolute deadline, and leads
// nowhere.
func (s *Store) DeleteMany(ctx context.Context, ids []string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	gets := make([]call, len(ids))
	for i, id := range ids {
		gets[i] = call{cmd: s.c.B().Get().Key(s.k.id(id)).Build()}
	}
	var found, hashes []string
	for i, r := range s.run(ctx, gets...) {
		h, err := r.ToString()
		if rueidis.IsRedisNil(err) {
			continue
		}
		if err != nil {
			return wrap("delete", err)
		}
		found, hashes = append(found, ids[i]), append(hashes, homeOf(h))
	}
	var rest []call
	for range maxHops {
		if len(found) == 0 {
			break
		}
		removes := make([]call, len(found))
		for i, id := range found {
			removes[i] = call{s: removeHome, key: s.k.token(hashes[i]), args: []string{id}}
		}
		res, err := s.write(ctx, removes...)
		if err != nil {
			return wrap("delete", err)
		}
		// Homes deleted are unindexed; links lead on, for another hop.
		var next []string
		for i, r := range res {
			home, to, err := removed(hashes[i], r)
			switch {
			case err != nil:
				return wrap("delete", err)
			case home.id != "":
				calls, err := s.unindexCalls(home)
				if err != nil {
					return wrap("delete", err)
				}
				rest = append(rest, calls...)
			case to != "":
				found[len(next)] = found[i]
				next = append(next, to)
			}
		}
		found, hashes = found[:len(next)], next
	}
	_, err := s.write(ctx, rest...)
	return wrap("delete", err)
}

// removed reads the answer r of the removeHome script on the key of hash
// h: the home it deleted, or where the key leads if it is a link of the
// record.
func removed(h string, r rueidis.RedisResult) (home tok, to string, err error) {
	vals, err := r.ToArray()
	if err != nil || len(vals) < 2 {
		return tok{}, "", err
	}
	v, err := vals[1].ToString()
	if n, _ := vals[0].AsInt64(); n == 1 {
		return parseValue(h, v), "", err
	}
	return tok{}, v, err
}

// unindexCalls are the deletes of the links, id key, user entry and list
// member of the deleted record whose home was home.
func (s *Store) unindexCalls(home tok) ([]call, error) {
	id := home.id
	rec, err := home.record(id)
	if err != nil {
		return nil, err
	}
	calls := []call{{key: s.k.id(id), cmd: s.c.B().Del().Key(s.k.id(id)).Build()}}
	for _, rt := range rec.Retired {
		calls = append(calls, call{s: drop, key: s.k.token(hashName(rt.Hash)), args: []string{id, string(kindLink)}})
	}
	if rec.UserID != "" {
		calls = append(calls, call{s: removeUser, key: s.k.user(rec.UserID), args: []string{id}}, s.unlistCall(rec))
	}
	return calls, nil
}
