package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
)

// legacyHome is rec's home as releases before this one wrote it: kind
// 'H', the header in decimal digits with the id in it.
func legacyHome(rec *sessiond.Record) string {
	payload, err := rec.MarshalBinary()
	if err != nil {
		panic(err)
	}
	seen, _ := microsField(rec.LastSeenAt)
	idle, _ := microsField(rec.IdleExpiresAt)
	abs, _ := millisField(rec.AbsoluteExpiresAt)
	b := []byte{kindLegacyHome}
	b = append(b, seen...)
	b = append(b, idle...)
	b = append(b, abs...)
	b = appendPadded(b, rec.Version, 20)
	b = appendPadded(b, int64(len(rec.ID)), legacyIDLenDigits)
	b = append(b, rec.ID...)
	return string(append(b, payload...))
}

// legacyStore returns a store on the local Redis under a prefix of the
// test's own, and a client of that Redis; it skips the test if there is
// none.
func legacyStore(t *testing.T) (*Store, rueidis.Client) {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:       []string{"127.0.0.1:6379"},
		Dialer:            net.Dialer{Timeout: 2 * time.Second},
		DisableCache:      true,
		ForceSingleClient: true,
	})
	if err != nil {
		t.Skipf("no Redis at 127.0.0.1:6379 (%v); CI provides one", err)
	}
	t.Cleanup(c.Close)
	s, err := New(Config{Client: c, Prefix: "sessiond-test:" + rand.Text()[:10] + ":"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := s.DeleteAll(ctx); err != nil {
			t.Errorf("cleanup: DeleteAll: %v", err)
		}
	})
	return s, c
}

// writeLegacy stores rec as releases before this one did: a home of kind
// 'H', an id key holding the hex of the hash, and the id in a plain set
// for the user, which expires at the absolute deadline.
func writeLegacy(t *testing.T, s *Store, c rueidis.Client, rec *sessiond.Record) {
	t.Helper()
	ctx := t.Context()
	abs := expiry(rec.AbsoluteExpiresAt)
	user := s.k.user(rec.UserID)
	for _, cmd := range []rueidis.Completed{
		c.B().Set().Key(s.k.token(hashName(rec.TokenHash))).Value(legacyHome(rec)).PxatMillisecondsTimestamp(expiry(rec.ExpiresAt())).Build(),
		c.B().Set().Key(s.k.id(rec.ID)).Value(hashName(rec.TokenHash)).PxatMillisecondsTimestamp(abs).Build(),
		c.B().Sadd().Key(user).Member(rec.ID).Build(),
		c.B().Pexpireat().Key(user).MillisecondsTimestamp(abs).Build(),
		c.B().Zadd().Key(s.k.list()).ScoreMember().ScoreMember(0, listMember(rec.AbsoluteExpiresAt, rec.ID)).Build(),
	} {
		if err := c.Do(ctx, cmd).Error(); err != nil {
			t.Fatal(err)
		}
	}
}

// legacyRecord returns a signed-in record of user that began a minute ago.
func legacyRecord(user string) *sessiond.Record {
	now := time.Now().UTC().Truncate(time.Microsecond).Add(-time.Minute)
	var h sessiond.Hash
	rand.Read(h[:])
	return &sessiond.Record{
		ID: rand.Text(), UserID: user, TokenHash: h, TokenIssuedAt: now,
		CreatedAt: now, LastSeenAt: now, IdleExpiresAt: now.Add(time.Hour),
		AbsoluteExpiresAt: now.Add(12 * time.Hour), AuthTime: now,
		AuthMethods: []string{"pwd"}, IP: "203.0.113.7", UserAgent: "legacy",
		Version: 3, Data: []byte("sealed"),
	}
}

// TestLegacyRecords checks that records stored by releases before this
// one, with homes of kind 'H', hex id keys and plain user sets, keep
// working: found by token and id, touched, listed, refused an update at
// another version, updated (which rewrites the home in the present
// layout), indexed beside new records of the same user, and deleted.
func TestLegacyRecords(t *testing.T) {
	s, c := legacyStore(t)
	ctx := t.Context()
	user := "legacy-" + rand.Text()[:8]
	old := legacyRecord(user)
	writeLegacy(t, s, c, old)

	got, found, err := s.Find(ctx, old.TokenHash)
	if err != nil || !found || got.ID != old.ID || got.Version != 3 || !got.LastSeenAt.Equal(old.LastSeenAt) || string(got.Data) != "sealed" {
		t.Fatalf("Find: got (%+v, %t, %v), want the legacy record", got, found, err)
	}
	if got, found, err := s.Get(ctx, old.ID); err != nil || !found || got.UserID != user {
		t.Fatalf("Get: got (%+v, %t, %v), want the legacy record", got, found, err)
	}

	seen := old.LastSeenAt.Add(30 * time.Second)
	if err := s.TouchToken(ctx, old.ID, old.TokenHash, seen, seen.Add(time.Hour)); err != nil {
		t.Fatalf("TouchToken: %v", err)
	}
	if err := s.Touch(ctx, old.ID, seen.Add(-time.Second), seen); err != nil {
		t.Fatalf("Touch: %v", err)
	}
	got, _, err = s.Find(ctx, old.TokenHash)
	if err != nil || !got.LastSeenAt.Equal(seen) || !got.IdleExpiresAt.Equal(seen.Add(time.Hour)) {
		t.Fatalf("after touches: got (%v, %v, %v), want seen %v and idle %v, never moved back", got.LastSeenAt, got.IdleExpiresAt, err, seen, seen.Add(time.Hour))
	}

	if recs, err := s.ListUser(ctx, user); err != nil || len(recs) != 1 || recs[0].ID != old.ID {
		t.Fatalf("ListUser: got (%d records, %v), want the legacy record", len(recs), err)
	}

	next := *got
	next.Version, next.Data = 4, []byte("changed")
	if err := s.Update(ctx, &next, 2); !errors.Is(err, sessiond.ErrConflict) {
		t.Fatalf("Update at a wrong version: got %v, want ErrConflict", err)
	}
	if err := s.Update(ctx, &next, 3); err != nil {
		t.Fatalf("Update: %v", err)
	}
	home, err := c.Do(ctx, c.B().Getrange().Key(s.k.token(hashName(old.TokenHash))).Start(0).End(0).Build()).ToString()
	if err != nil || home != string(kindHome) {
		t.Errorf("home after the update: got kind %q (%v), want %q", home, err, string(kindHome))
	}
	if got, _, err := s.Find(ctx, old.TokenHash); err != nil || got.Version != 4 || string(got.Data) != "changed" || !got.LastSeenAt.Equal(seen) {
		t.Fatalf("Find after the update: got (%+v, %v), want version 4", got, err)
	}

	fresh := legacyRecord(user)
	if err := s.Create(ctx, fresh); err != nil {
		t.Fatalf("Create beside the legacy record: %v", err)
	}
	if typ, err := c.Do(ctx, c.B().Type().Key(s.k.user(user)).Build()).ToString(); err != nil || typ != "zset" {
		t.Errorf("user index after Create: got type %q (%v), want zset", typ, err)
	}
	if recs, err := s.ListUser(ctx, user); err != nil || len(recs) != 2 {
		t.Fatalf("ListUser after Create: got (%d records, %v), want both", len(recs), err)
	}
	ttl, err := c.Do(ctx, c.B().Pexpiretime().Key(s.k.user(user)).Build()).AsInt64()
	if want := expiry(fresh.AbsoluteExpiresAt); err != nil || ttl != want {
		t.Errorf("user index expiry: got %d (%v), want %d, the latest deadline", ttl, err, want)
	}

	if err := s.Delete(ctx, old.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, found, err := s.Find(ctx, old.TokenHash); found || err != nil {
		t.Errorf("Find after Delete: got (%t, %v), want not found", found, err)
	}
	ids, err := c.Do(ctx, c.B().Zrange().Key(s.k.user(user)).Min("0").Max("-1").Build()).AsStrSlice()
	if err != nil || len(ids) != 1 || ids[0] != fresh.ID {
		t.Errorf("user index after Delete: got (%v, %v), want [%s]", ids, err, fresh.ID)
	}
}

// TestLegacyUserSetRemoval checks that removing an id from a user set of
// an earlier release (a Delete of a record indexed there) keeps the others
// listed, with the set's expiry as their deadline.
func TestLegacyUserSetRemoval(t *testing.T) {
	s, c := legacyStore(t)
	ctx := t.Context()
	user := "legacy-" + rand.Text()[:8]
	a, b := legacyRecord(user), legacyRecord(user)
	writeLegacy(t, s, c, a)
	writeLegacy(t, s, c, b)
	if err := s.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	res, err := c.Do(ctx, c.B().Zrange().Key(s.k.user(user)).Min("0").Max("-1").Withscores().Build()).AsZScores()
	if err != nil || len(res) != 1 || res[0].Member != b.ID {
		t.Fatalf("user index: got (%v, %v), want only %s", res, err, b.ID)
	}
	// The score is the set's expiry, read from its remaining time: within
	// a second of the deadline it was set to.
	if d := int64(res[0].Score) - expiry(b.AbsoluteExpiresAt); d < -1000 || d > 1000 {
		t.Errorf("score: got %s, want about %d", strconv.FormatFloat(res[0].Score, 'f', 0, 64), expiry(b.AbsoluteExpiresAt))
	}
}

// TestLongID checks a record whose id takes a three-byte length in its
// encoding, which the scripts read from the payload, through Create,
// Find, TouchToken, Update and Delete.
func TestLongID(t *testing.T) {
	s, _ := legacyStore(t)
	ctx := t.Context()
	rec := legacyRecord("long-" + rand.Text()[:8])
	for len(rec.ID) < 20_000 {
		rec.ID += rec.ID
	}
	if err := s.Create(ctx, rec); err != nil {
		t.Fatalf("Create: %v", err)
	}
	seen := rec.LastSeenAt.Add(time.Second)
	if err := s.TouchToken(ctx, rec.ID, rec.TokenHash, seen, rec.IdleExpiresAt.Add(time.Second)); err != nil {
		t.Fatalf("TouchToken: %v", err)
	}
	got, found, err := s.Find(ctx, rec.TokenHash)
	if err != nil || !found || got.ID != rec.ID || !got.LastSeenAt.Equal(seen) {
		t.Fatalf("Find: got (%t, %v), want the touched record", found, err)
	}
	next := *got
	next.Version++
	if err := s.Update(ctx, &next, got.Version); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := s.Delete(ctx, rec.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, found, err := s.Get(ctx, rec.ID); found || err != nil {
		t.Errorf("Get after Delete: got (%t, %v), want not found", found, err)
	}
}

// fullHome is rec's home as the release before this one wrote it: kind
// 'B', the header, then the whole encoding, the token hash included.
func fullHome(t *testing.T, rec *sessiond.Record) string {
	t.Helper()
	v, err := encode(rec)
	if err != nil {
		t.Fatal(err)
	}
	return string(kindFullHome) + v[1:homeHeader] + string(mustMarshal(t, rec))
}

// TestFullHomes checks that a home of kind 'B', which holds the token hash
// in its encoding, is still found, touched, listed and updated, and that
// the update rewrites it as kind 'C', without the hash.
func TestFullHomes(t *testing.T) {
	s, c := legacyStore(t)
	ctx := t.Context()
	user := "full-" + rand.Text()[:8]
	rec := legacyRecord(user)
	if err := s.Create(ctx, rec); err != nil {
		t.Fatalf("Create: %v", err)
	}
	key := s.k.token(hashName(rec.TokenHash))
	if err := c.Do(ctx, c.B().Set().Key(key).Value(fullHome(t, rec)).Keepttl().Build()).Error(); err != nil {
		t.Fatal(err)
	}

	got, found, err := s.Find(ctx, rec.TokenHash)
	if err != nil || !found || got.ID != rec.ID || got.TokenHash != rec.TokenHash || string(got.Data) != "sealed" {
		t.Fatalf("Find: got (%+v, %t, %v), want the record", got, found, err)
	}
	seen := rec.LastSeenAt.Add(30 * time.Second)
	if err := s.TouchToken(ctx, rec.ID, rec.TokenHash, seen, seen.Add(time.Hour)); err != nil {
		t.Fatalf("TouchToken: %v", err)
	}
	if recs, err := s.ListUser(ctx, user); err != nil || len(recs) != 1 || !recs[0].LastSeenAt.Equal(seen) {
		t.Fatalf("ListUser: got (%v, %v), want the record, touched", recs, err)
	}

	next := *got
	next.Version, next.Data = 4, []byte("changed")
	if err := s.Update(ctx, &next, 3); err != nil {
		t.Fatalf("Update: %v", err)
	}
	v, err := c.Do(ctx, c.B().Get().Key(key).Build()).ToString()
	if err != nil || v[0] != kindHome || len(v) != homeHeader+len(mustMarshal(t, &next))-len(next.TokenHash) {
		t.Errorf("home after the update: got %d bytes of kind %q (%v), want kind %q without the hash", len(v), v[:1], err, string(kindHome))
	}
	if got, _, err := s.Find(ctx, rec.TokenHash); err != nil || got.Version != 4 || string(got.Data) != "changed" || got.TokenHash != rec.TokenHash {
		t.Fatalf("Find after the update: got (%+v, %v), want version 4", got, err)
	}
}
