package redisstore_test

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/storetest"
)

// ttlEnv is a store under a known prefix, for looking at its keys.
type ttlEnv struct {
	t      *testing.T
	c      rueidis.Client
	s      sessiond.Store
	prefix string
}

// newTTLEnv makes a ttlEnv on the local Redis, or skips the test if the
// server lacks PEXPIRETIME (Redis 7).
func newTTLEnv(t *testing.T) *ttlEnv {
	c := local(t)
	prefix := testPrefix()
	s, _ := newStoreAt(t, c, prefix)
	e := &ttlEnv{t: t, c: c, s: s, prefix: prefix}
	if err := c.Do(t.Context(), c.B().Pexpiretime().Key(prefix+"none").Build()).Error(); err != nil {
		t.Skipf("PEXPIRETIME: %v (needs Redis 7)", err)
	}
	return e
}

// expireAt returns the Unix millisecond at which key expires: -1 for
// none, -2 for a missing key.
func (e *ttlEnv) expireAt(key string) int64 {
	e.t.Helper()
	ms, err := e.c.Do(e.t.Context(), e.c.B().Pexpiretime().Key(key).Build()).AsInt64()
	if err != nil {
		e.t.Fatalf("PEXPIRETIME %s: got error %v, want nil", key, err)
	}
	return ms
}

// wantExpireAt checks that key expires at the millisecond of at, rounded up.
func (e *ttlEnv) wantExpireAt(what, key string, at time.Time) {
	e.t.Helper()
	want := at.UnixMilli()
	if at.After(time.UnixMilli(want)) {
		want++
	}
	if got := e.expireAt(key); got != want {
		e.t.Errorf("%s: got expiry %d, want %d (%v)", what, got, want, at)
	}
}

func (e *ttlEnv) token(h sessiond.Hash) string { return e.prefix + "t:" + hex.EncodeToString(h[:]) }
func (e *ttlEnv) id(id string) string          { return e.prefix + "i:" + id }
func (e *ttlEnv) user(u string) string         { return e.prefix + "u:" + u }

// withRetired returns a record of user with two retired hashes and an
// idle deadline 29 minutes away.
func withRetired(user string) *sessiond.Record {
	rec := storetest.NewRecord(user)
	rec.IdleExpiresAt = rec.CreatedAt.Add(29*time.Minute + 123*time.Microsecond)
	for range 2 {
		rec.Retired = append(rec.Retired, sessiond.RetiredToken{Hash: storetest.NewRecord("").TokenHash, GraceUntil: rec.CreatedAt})
	}
	return rec
}

// TestTTL checks the expiry Redis keeps for each key: a record's home
// expires at its ExpiresAt, moved by Touch (forward only, never past the
// absolute deadline) and by Update; links, the id key and the user's set
// at the absolute deadline.
func TestTTL(t *testing.T) {
	e := newTTLEnv(t)
	ctx := t.Context()
	rec := withRetired("user-" + rand8())
	if err := e.s.Create(ctx, rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	e.wantExpireAt("home", e.token(rec.TokenHash), rec.ExpiresAt())
	e.wantExpireAt("link", e.token(rec.Retired[1].Hash), rec.AbsoluteExpiresAt)
	e.wantExpireAt("id key", e.id(rec.ID), rec.AbsoluteExpiresAt)
	e.wantExpireAt("user set", e.user(rec.UserID), rec.AbsoluteExpiresAt)

	touches := []struct {
		name     string
		idle     time.Time
		wantHome time.Time
	}{
		{"Later", rec.IdleExpiresAt.Add(10 * time.Minute), rec.IdleExpiresAt.Add(10 * time.Minute)},
		{"Earlier", rec.IdleExpiresAt, rec.IdleExpiresAt.Add(10 * time.Minute)},
		{"PastAbsolute", rec.AbsoluteExpiresAt.Add(time.Hour), rec.AbsoluteExpiresAt},
	}
	for _, tc := range touches {
		t.Run("Touch"+tc.name, func(t *testing.T) {
			if err := e.s.Touch(ctx, rec.ID, rec.LastSeenAt, tc.idle); err != nil {
				t.Fatalf("Touch: got error %v, want nil", err)
			}
			e.wantExpireAt("home", e.token(rec.TokenHash), tc.wantHome)
		})
	}

	t.Run("UpdateMovesHome", func(t *testing.T) {
		next := *rec
		next.Retired = append([]sessiond.RetiredToken{{Hash: rec.TokenHash, GraceUntil: rec.CreatedAt}}, rec.Retired...)
		next.TokenHash = storetest.NewRecord("").TokenHash
		next.IdleExpiresAt = rec.CreatedAt.Add(5 * time.Minute)
		next.Version++
		if err := e.s.Update(ctx, &next, rec.Version); err != nil {
			t.Fatalf("Update: got error %v, want nil", err)
		}
		e.wantExpireAt("new home", e.token(next.TokenHash), next.ExpiresAt())
		e.wantExpireAt("old home, now a link", e.token(rec.TokenHash), next.AbsoluteExpiresAt)
	})
}

// TestTTLExpired creates a record whose idle deadline has passed: Redis
// forgets its home at once, so no lookup finds it, and a touch does not
// bring it back.
func TestTTLExpired(t *testing.T) {
	e := newTTLEnv(t)
	ctx := t.Context()
	rec := withRetired("user-" + rand8())
	rec.IdleExpiresAt = rec.CreatedAt.Add(-time.Second)
	if err := e.s.Create(ctx, rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	if err := e.s.Touch(ctx, rec.ID, time.Now().UTC(), time.Now().UTC().Add(time.Hour)); err != nil {
		t.Fatalf("Touch: got error %v, want nil", err)
	}
	if got := e.expireAt(e.token(rec.TokenHash)); got != -2 {
		t.Errorf("home: got PEXPIRETIME %d, want -2 (no key)", got)
	}
	for _, h := range rec.Hashes() {
		if got, found, err := e.s.Find(ctx, h); got != nil || found || err != nil {
			t.Errorf("Find: got (%v, %t, %v), want (nil, false, nil)", got != nil, found, err)
		}
	}
	if got, found, err := e.s.Get(ctx, rec.ID); got != nil || found || err != nil {
		t.Errorf("Get: got (%v, %t, %v), want (nil, false, nil)", got != nil, found, err)
	}
	recs, err := e.s.ListUser(ctx, rec.UserID)
	if len(recs) != 0 || err != nil {
		t.Errorf("ListUser: got (%d records, %v), want (0, nil)", len(recs), err)
	}
}
