package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
)

// maxHops bounds how many links a lookup follows before it falls back to
// the record's id key, and then gives up.
const maxHops = 4

// readToken fetches the token key of hash name h.
func (s *Store) readToken(ctx context.Context, h string) (tok, error) {
	return s.readKey(ctx, s.k.token(h))
}

// readKey fetches the token key key: one GET.
func (s *Store) readKey(ctx context.Context, key string) (tok, error) {
	return parseGet(s.k.hashOf(key), s.c.Do(ctx, s.c.B().Get().Key(key).Build()))
}

// parseGet reads the result of a GET of the token key of hash name h.
func parseGet(h string, r rueidis.RedisResult) (tok, error) {
	v, err := r.ToString()
	if rueidis.IsRedisNil(err) {
		return tok{hash: h}, nil
	}
	if err != nil {
		return tok{}, err
	}
	return parseValue(h, v), nil
}

// Get returns the record with the given id: its id key, then its home
// (two round trips, more while a rotation is moving the home).
func (s *Store) Get(ctx context.Context, id string) (*sessiond.Record, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	home, err := s.locate(ctx, id)
	if err != nil || home.id == "" {
		return nil, false, wrap("get", err)
	}
	rec, err := home.record(id)
	return rec, err == nil, err
}

// Find returns the record whose current or retired token hash is h. For
// the current hash it is one round trip: the home is that hash's key. A
// retired hash is a link, followed to the home, whose record must still
// list h.
func (s *Store) Find(ctx context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	t, err := s.readKey(ctx, s.k.tokenOf(h))
	if err != nil {
		return nil, false, wrap("find", err)
	}
	if t.id == "" {
		return nil, false, nil
	}
	if !t.home {
		if t, err = s.follow(ctx, t); err != nil || t.id == "" {
			return nil, false, wrap("find", err)
		}
	}
	rec, err := t.record(t.id)
	if err != nil || !leadsTo(h, rec) {
		return nil, false, err
	}
	return rec, true, nil
}

// leadsTo reports whether h is one of rec.Hashes(), without making the
// slice.
func leadsTo(h sessiond.Hash, rec *sessiond.Record) bool {
	if rec.TokenHash == h {
		return true
	}
	for _, rt := range rec.Retired {
		if rt.Hash == h {
			return true
		}
	}
	return false
}

// locate reads the home of record id, by its id key; the result has an
// empty id if there is none.
func (s *Store) locate(ctx context.Context, id string) (tok, error) {
	h, err := s.c.Do(ctx, s.c.B().Get().Key(s.k.id(id)).Build()).ToString()
	if rueidis.IsRedisNil(err) {
		return tok{}, nil
	}
	if err != nil {
		return tok{}, err
	}
	t, err := s.readToken(ctx, homeOf(h))
	if err != nil || t.id != id {
		return tok{}, err
	}
	return s.follow(ctx, t)
}

// follow goes from t, a key of t.id, along links to the home; if the links
// do not lead there, it tries the id key once. The result has an empty id
// if there is no home.
func (s *Store) follow(ctx context.Context, t tok) (tok, error) {
	id := t.id
	for range maxHops {
		if t.home || t.to == "" {
			break
		}
		next, err := s.readToken(ctx, t.to)
		if err != nil {
			return tok{}, err
		}
		if next.id != id {
			break
		}
		t = next
	}
	if t.home {
		return t, nil
	}
	return s.locateOnce(ctx, id, t.hash)
}

// locateOnce is the fallback of follow: the home that the id key names,
// unless that is where the links ended (from).
func (s *Store) locateOnce(ctx context.Context, id, from string) (tok, error) {
	v, err := s.c.Do(ctx, s.c.B().Get().Key(s.k.id(id)).Build()).ToString()
	h := homeOf(v)
	if rueidis.IsRedisNil(err) || (err == nil && h == from) {
		return tok{}, nil
	}
	if err != nil {
		return tok{}, err
	}
	t, err := s.readToken(ctx, h)
	if err != nil || t.id != id || !t.home {
		return tok{}, err
	}
	return t, nil
}

// wrap adds the package and the operation to a non-nil error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}
