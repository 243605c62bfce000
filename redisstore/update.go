package redisstore

import (
	"context"
	"slices"
	"strconv"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
)

// Update replaces the record if its stored version is version. Four round
// trips: find the home (by the new current hash and the newest retired
// one, which is where it is unless another rotation came first), claim the
// keys of new hashes (a home for a new current hash, links for new
// retired ones, refused if another record holds one), swap the home with
// one script that checks the version, then fix the rest of the index (the
// id key, links, the user's index, the list). Refused claims and a failed swap take
// back what the claims made and answer [sessiond.ErrConflict].
//
// A new current hash moves the home: the swap turns the old home into a
// link to the new one, so that lookups by any hash or by id that are
// under way keep finding the record.
func (s *Store) Update(ctx context.Context, rec *sessiond.Record, version int64) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	value, err := encode(rec)
	if err != nil {
		return wrap("update", err)
	}
	home, err := s.homeAt(ctx, rec, version)
	if err != nil {
		return wrap("update", err)
	}
	if home.id == "" || !home.isVersion(version) {
		return sessiond.ErrConflict
	}
	old, err := home.record(rec.ID)
	if err != nil {
		return wrap("update", err)
	}
	claims := s.updateClaims(rec, old, home.hash, value)
	res, err := s.claim(ctx, rec, claims)
	if err != nil {
		return err
	}
	if err := s.swap(ctx, rec, version, home.hash, value, claims, res); err != nil {
		return err
	}
	_, err = s.write(ctx, s.reindex(rec, old)...)
	return wrap("update: after the swap", err)
}

// homeAt finds the home of rec at version: in one round trip if it is the
// key of rec's current hash or of its newest retired hash, else by its id.
func (s *Store) homeAt(ctx context.Context, rec *sessiond.Record, version int64) (tok, error) {
	guesses := []string{hashName(rec.TokenHash)}
	if len(rec.Retired) > 0 {
		guesses = append(guesses, hashName(rec.Retired[0].Hash))
	}
	cmds := make([]call, len(guesses))
	for i, h := range guesses {
		cmds[i] = call{cmd: s.c.B().Get().Key(s.k.token(h)).Build()}
	}
	for i, r := range s.run(ctx, cmds...) {
		t, err := parseGet(guesses[i], r)
		if err != nil {
			return tok{}, err
		}
		if t.home && t.id == rec.ID && t.isVersion(version) {
			return t, nil
		}
	}
	return s.locate(ctx, rec.ID)
}

// updateClaims are the claims of an update of old to rec, whose home is
// now at from: a home (value) for a new current hash and links for new
// retired hashes (claims of keys that are already rec's change nothing),
// and rec's user's index entry if the user changes. The entry is added
// before the swap, so that a successful update is always listed; if the
// swap fails it stays, and ListUser skips it.
func (s *Store) updateClaims(rec, old *sessiond.Record, from, value string) []call {
	cur := hashName(rec.TokenHash)
	var calls []call
	if cur != from {
		calls = append(calls, s.homeCall(rec, value))
	}
	for _, c := range s.linkCalls(rec, cur, false) {
		if c.key != s.k.token(from) {
			calls = append(calls, c)
		}
	}
	if rec.UserID != "" && rec.UserID != old.UserID {
		calls = append(calls, s.addUserCall(rec))
	}
	return calls
}

// claim runs claims and returns their results; if one is refused it takes
// back those that were made and answers ErrConflict.
func (s *Store) claim(ctx context.Context, rec *sessiond.Record, claims []call) ([]rueidis.RedisResult, error) {
	if len(claims) == 0 {
		return nil, nil
	}
	res, err := s.write(ctx, claims...)
	if err != nil {
		return nil, wrap("update", err)
	}
	if claimed(res) {
		return res, nil
	}
	return nil, s.undo(ctx, rec, claims, res)
}

// swap runs the compare-and-swap on the home at from, which becomes the
// home value or, if rec has a new current hash, a link to it (dropped by
// reindex if from is not one of rec's hashes). If the version differs or
// the home moved, it takes back the claims, whose results were res, and
// answers ErrConflict.
func (s *Store) swap(ctx context.Context, rec *sessiond.Record, version int64, from, value string, claims []call, res []rueidis.RedisResult) error {
	mode, exp := hashName(rec.TokenHash), rec.AbsoluteExpiresAt
	if mode == from {
		mode, exp = "same", rec.ExpiresAt()
	}
	args := []string{rec.ID, strconv.FormatInt(version, 10), mode, value, millis(exp)}
	out, err := s.write(ctx, call{s: swap, key: s.k.token(from), args: args})
	if err != nil {
		return wrap("update", err)
	}
	n, err := out[0].AsInt64()
	switch {
	case err != nil:
		return wrap("update", err)
	case n != 1:
		return s.undo(ctx, rec, claims, res)
	}
	return nil
}

// undo deletes the homes and links that claims made (those whose result
// in res is 1) and answers ErrConflict.
func (s *Store) undo(ctx context.Context, rec *sessiond.Record, claims []call, res []rueidis.RedisResult) error {
	if _, err := s.write(ctx, s.unclaim(rec, claims, res)...); err != nil {
		return wrap("undoing a conflict", err)
	}
	return sessiond.ErrConflict
}

// unclaim returns the calls that delete the homes and links that claims
// made, given their results res.
func (s *Store) unclaim(rec *sessiond.Record, claims []call, res []rueidis.RedisResult) []call {
	var calls []call
	for i, c := range claims {
		if n, _ := res[i].AsInt64(); n != 1 {
			continue
		}
		switch c.s {
		case claimHome:
			calls = append(calls, call{s: drop, key: c.key, args: []string{rec.ID, scriptHome}})
		case claimLink:
			calls = append(calls, call{s: drop, key: c.key, args: []string{rec.ID, string(kindLink)}})
		}
	}
	return calls
}

// reindex are the writes after a successful swap of old to rec: the id
// key names the new home, every link of rec points to it, links of hashes
// rec no longer has go, a change of user leaves the old user's index, and
// the list has rec, if it is a user's, and no longer old's member if that
// differs (a record that an update before did not finish listing is
// listed by this one).
// The link the swap left at the old home stays even if rec does not list
// its hash (it then leads nowhere, and expires at the absolute deadline):
// the id key may still name it until this pipeline is done.
func (s *Store) reindex(rec, old *sessiond.Record) []call {
	cur := hashName(rec.TokenHash)
	calls := []call{{key: s.k.id(rec.ID), cmd: s.c.B().Set().Key(s.k.id(rec.ID)).Value(idValue(rec.TokenHash)).Xx().PxatMillisecondsTimestamp(expiry(rec.AbsoluteExpiresAt)).Build()}}
	calls = append(calls, s.linkCalls(rec, cur, true)...)
	keep := append(rec.Hashes(), old.TokenHash)
	for _, h := range old.Hashes() {
		if !slices.Contains(keep, h) {
			calls = append(calls, call{s: drop, key: s.k.token(hashName(h)), args: []string{rec.ID, string(kindLink)}})
		}
	}
	if old.UserID != "" && old.UserID != rec.UserID {
		calls = append(calls, call{s: removeUser, key: s.k.user(old.UserID), args: []string{rec.ID}})
	}
	if old.UserID != "" && (rec.UserID == "" || listMember(old.AbsoluteExpiresAt, old.ID) != listMember(rec.AbsoluteExpiresAt, rec.ID)) {
		calls = append(calls, s.unlistCall(old))
	}
	if rec.UserID != "" {
		calls = append(calls, s.listCalls(rec)...)
	}
	return calls
}
