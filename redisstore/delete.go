package redisstore

import (
	"context"

	"github.com/redis/rueidis"
)

// Delete removes the record id: it deletes the home first, at which moment
// no lookup finds the record any more, then in one pipeline its links, its
// id key, its user's entry and its place in the list. Three round trips. A missing record is not
// an error; one whose home Redis has let expire keeps its id key and links
// until their own expiry, at its absolute deadline, and leads nowhere.
func (s *Store) Delete(ctx context.Context, id string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	h, err := s.c.Do(ctx, s.c.B().Get().Key(s.k.id(id)).Build()).ToString()
	if rueidis.IsRedisNil(err) {
		return nil
	}
	if err != nil {
		return wrap("delete", err)
	}
	h = homeOf(h)
	for range maxHops {
		home, to, err := s.removeAt(ctx, id, h)
		switch {
		case err != nil:
			return wrap("delete", err)
		case home.id != "":
			return s.unindex(ctx, home)
		case to == "":
			return nil
		}
		h = to
	}
	return nil
}

// removeAt runs the removeHome script on the key of hash h. It returns the
// home it deleted, or where the key leads if it is a link of the record.
func (s *Store) removeAt(ctx context.Context, id, h string) (home tok, to string, err error) {
	res, err := s.write(ctx, call{s: removeHome, key: s.k.token(h), args: []string{id}})
	if err != nil {
		return tok{}, "", err
	}
	vals, err := res[0].ToArray()
	if err != nil || len(vals) < 2 {
		return tok{}, "", err
	}
	v, err := vals[1].ToString()
	if n, _ := vals[0].AsInt64(); n == 1 {
		return parseValue(h, v), "", err
	}
	return tok{}, v, err
}

// unindex deletes the links, id key, user entry and list member of the
// deleted record whose home was home.
func (s *Store) unindex(ctx context.Context, home tok) error {
	id := home.id
	rec, err := home.record(id)
	if err != nil {
		return wrap("delete", err)
	}
	calls := []call{{key: s.k.id(id), cmd: s.c.B().Del().Key(s.k.id(id)).Build()}}
	for _, rt := range rec.Retired {
		calls = append(calls, call{s: drop, key: s.k.token(hashName(rt.Hash)), args: []string{id, string(kindLink)}})
	}
	if rec.UserID != "" {
		calls = append(calls, call{s: removeUser, key: s.k.user(rec.UserID), args: []string{id}}, s.unlistCall(rec))
	}
	_, err = s.write(ctx, calls...)
	return wrap("delete", err)
}
