package redisstore

import (
	"context"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
)

// Create stores rec: CreateWithEvents without events, two round trips
// (see there). A taken id or hash is [sessiond.ErrConflict], and what was
// written is taken back.
func (s *Store) Create(ctx context.Context, rec *sessiond.Record) error {
	return s.CreateWithEvents(ctx, rec, nil)
}

// CreateWithEvents is Create and AppendEvent of each event in two round
// trips where the two take four: the id key (SET NX), the home and the
// links in one pipeline, then the user's index entry, the place in the
// list and the events in another, which runs only once the record is
// stored, so that no event is kept of a record that met a conflict.
//
// The writes of each pipeline are not one transaction (in a Cluster they
// go to several masters): when the connection fails, some of them may
// have been made, as with Create, and an event may be missing, as with
// AppendEvent. The user's index waits for the id key, because ListUser
// drops ids whose id key it does not find.
func (s *Store) CreateWithEvents(ctx context.Context, rec *sessiond.Record, events []sessiond.Event) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	home, err := encode(rec)
	if err != nil {
		return wrap("create", err)
	}
	claims := append([]call{s.homeCall(rec, home)}, s.linkCalls(rec, hashName(rec.TokenHash), false)...)
	res, err := s.write(ctx, append([]call{s.idCall(rec)}, claims...)...)
	if err != nil {
		return wrap("create", err)
	}
	if idTaken := rueidis.IsRedisNil(res[0].Error()); idTaken || !claimed(res[1:]) {
		return s.undoCreate(ctx, rec, claims, res[1:], !idTaken)
	}
	var calls []call
	if rec.UserID != "" {
		calls = append(s.listCalls(rec), s.addUserCall(rec))
	}
	_, err = s.write(ctx, append(calls, s.eventCalls(events)...)...)
	return wrap("create", err)
}

// encode returns the home value of rec.
func encode(rec *sessiond.Record) (string, error) {
	payload, err := rec.MarshalBinary()
	if err != nil {
		return "", err
	}
	return homeValue(rec, payload)
}

// idCall sets the id key of rec, naming its home, unless the id is taken
// (SET NX, which then answers nil).
func (s *Store) idCall(rec *sessiond.Record) call {
	k := s.k.id(rec.ID)
	return call{key: k, cmd: s.c.B().Set().Key(k).Value(idValue(rec.TokenHash)).Nx().PxatMillisecondsTimestamp(expiry(rec.AbsoluteExpiresAt)).Build()}
}

// homeCall claims the home of rec, its current hash's key, with the value
// home.
func (s *Store) homeCall(rec *sessiond.Record, home string) call {
	return call{s: claimHome, key: s.k.token(hashName(rec.TokenHash)), args: []string{rec.ID, home, millis(rec.ExpiresAt())}}
}

// linkCalls claims a link to the home to for each retired hash of rec;
// with repoint, existing links of rec are pointed at to as well.
func (s *Store) linkCalls(rec *sessiond.Record, to string, repoint bool) []call {
	calls := make([]call, 0, len(rec.Retired))
	abs, flag := millis(rec.AbsoluteExpiresAt), "0"
	if repoint {
		flag = "1"
	}
	for _, rt := range rec.Retired {
		if h := hashName(rt.Hash); h != to {
			calls = append(calls, call{s: claimLink, key: s.k.token(h), args: []string{rec.ID, to, abs, flag}})
		}
	}
	return calls
}

// claimed reports whether every claim in res succeeded (none answered 0).
func claimed(res []rueidis.RedisResult) bool {
	for _, r := range res {
		if n, err := r.AsInt64(); err == nil && n == 0 {
			return false
		}
	}
	return true
}

// undoCreate takes back a Create that met a taken id or hash: the claims
// that succeeded (their results are res) and, if ownID, the id key, which
// the Create set. It answers ErrConflict, or the error that kept it from
// taking all back.
func (s *Store) undoCreate(ctx context.Context, rec *sessiond.Record, claims []call, res []rueidis.RedisResult, ownID bool) error {
	calls := s.unclaim(rec, claims, res)
	if ownID {
		calls = append(calls, call{key: s.k.id(rec.ID), cmd: s.c.B().Del().Key(s.k.id(rec.ID)).Build()})
	}
	if _, err := s.write(ctx, calls...); err != nil {
		return wrap("create: undoing a conflict", err)
	}
	return sessiond.ErrConflict
}
