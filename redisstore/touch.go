package redisstore

import (
	"context"
	"time"

	"github.com/redis/rueidis"
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
	h, err := s.c.Do(ctx, s.c.B().Get().Key(s.k.id(id)).Build()).ToString()
	if rueidis.IsRedisNil(err) {
		return nil
	}
	if err != nil {
		return wrap("touch", err)
	}
	args := touchArgs(id, lastSeen, idleExpires)
	for range maxHops {
		to, err := s.touchAt(ctx, h, args)
		if err != nil || to == "" {
			return wrap("touch", err)
		}
		h = to
	}
	return nil
}

// touchAt runs the touch script on the key of hash h. If that is a link of
// the record, it returns where the link leads, for the caller to go on.
func (s *Store) touchAt(ctx context.Context, h string, args []string) (string, error) {
	vals, err := s.run1(ctx, call{s: touch, key: s.k.token(h), args: args}).ToArray()
	if err != nil {
		return "", err
	}
	if n, _ := vals[0].AsInt64(); n != 2 || len(vals) < 2 {
		return "", nil
	}
	return vals[1].ToString()
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
