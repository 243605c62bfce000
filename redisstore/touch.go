package redisstore

import (
	"context"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
)

// Touch moves LastSeenAt and IdleExpiresAt of the record id forward, each
// only if later, and with the idle deadline the expiry of its home (never
// past the absolute deadline). It writes two small fields, never the
// payload, and it only changes a home that exists: Redis has already
// forgotten a record whose deadline passed, and a deleted one stays
// deleted. Two round trips: the id key, then one script on the home.
func (s *Store) Touch(ctx context.Context, id string, lastSeen, idleExpires time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return wrap("touch", s.touchByID(ctx, id, touchArgs(id, lastSeen, idleExpires)))
}

// TouchToken is Touch from h, the record's current hash as the Manager
// read it: one round trip, the script on the home that h names. After a
// rotation h names a link of the record, which it follows; when h leads
// to nothing of the record's, Touch's way by the id key takes over.
func (s *Store) TouchToken(ctx context.Context, id string, h sessiond.Hash, lastSeen, idleExpires time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	args := touchArgs(id, lastSeen, idleExpires)
	reached, err := s.touchFrom(ctx, hashName(h), args)
	if err == nil && !reached {
		err = s.touchByID(ctx, id, args)
	}
	return wrap("touch", err)
}

// touchByID touches the record from the home its id key names.
func (s *Store) touchByID(ctx context.Context, id string, args []string) error {
	h, err := s.c.Do(ctx, s.c.B().Get().Key(s.k.id(id)).Build()).ToString()
	if rueidis.IsRedisNil(err) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.touchFrom(ctx, homeOf(h), args)
	return err
}

// touchFrom runs the touch script on the key of hash h, following the
// record's links to its home, at most maxHops of them. It reports whether
// it reached the home: not when a key on the way was missing or another
// record's.
func (s *Store) touchFrom(ctx context.Context, h string, args []string) (bool, error) {
	for range maxHops {
		reached, to, err := s.touchAt(ctx, h, args)
		if err != nil || reached || to == "" {
			return reached, err
		}
		h = to
	}
	return false, nil
}

// touchAt runs the touch script on the key of hash h. It reports whether
// that was the record's home, which it touched, and otherwise, if the key
// is a link of the record, the hash it leads to.
func (s *Store) touchAt(ctx context.Context, h string, args []string) (reached bool, to string, err error) {
	vals, err := s.run1(ctx, call{s: touch, key: s.k.token(h), args: args}).ToArray()
	if err != nil {
		return false, "", err
	}
	switch n, _ := vals[0].AsInt64(); {
	case n == 1:
		return true, "", nil
	case n == 2 && len(vals) >= 2:
		to, err = vals[1].ToString()
		return false, to, err
	}
	return false, "", nil
}

// touchArgs are the arguments of the touch script: times in the fixed
// widths of the home's header.
func touchArgs(id string, lastSeen, idleExpires time.Time) []string {
	// Clamped times always fit.
	seen, _ := microsField(clampTime(lastSeen))
	idle, _ := microsField(clampTime(idleExpires))
	exp, _ := millisField(clampTime(idleExpires))
	return []string{id, seen, idle, exp}
}

// clampTime brings t into the range of the home's header: a time before
// 1970 becomes the zero time, one after the range its last microsecond.
// Neither moves a deadline further than asked.
func clampTime(t time.Time) time.Time {
	switch us := t.UnixMicro(); {
	case t.IsZero() || us < 0:
		return time.Time{}
	case us > maxTime:
		return time.UnixMicro(maxTime)
	}
	return t
}
