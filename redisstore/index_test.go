package redisstore_test

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/redisstore"
	"github.com/sessiond/sessiond/storetest"
)

// TestStaleIndex leaves the index as an update that stopped after its swap
// would (the id key and a link still naming an old home): every operation
// follows the links to the record's home all the same.
func TestStaleIndex(t *testing.T) {
	c := local(t)
	ctx := t.Context()
	ops := []struct {
		name  string
		check func(t *testing.T, s sessiond.Store, rec *sessiond.Record)
	}{
		{"Get", func(t *testing.T, s sessiond.Store, rec *sessiond.Record) {
			if got, found, err := s.Get(ctx, rec.ID); !found || err != nil || got.Version != rec.Version {
				t.Errorf("Get: got (%t, %v), want version %d", found, err, rec.Version)
			}
		}},
		{"FindOldest", func(t *testing.T, s sessiond.Store, rec *sessiond.Record) {
			oldest := rec.Retired[len(rec.Retired)-1].Hash
			if got, found, err := s.Find(ctx, oldest); !found || err != nil || got.Version != rec.Version {
				t.Errorf("Find: got (%t, %v), want version %d", found, err, rec.Version)
			}
		}},
		{"ListUser", func(t *testing.T, s sessiond.Store, rec *sessiond.Record) {
			if recs, err := s.ListUser(ctx, rec.UserID); len(recs) != 1 || err != nil {
				t.Errorf("ListUser: got (%d records, %v), want 1", len(recs), err)
			}
		}},
		{"Update", func(t *testing.T, s sessiond.Store, rec *sessiond.Record) {
			if err := s.Update(ctx, rotate(rotate(rec)), rec.Version); err != nil {
				t.Errorf("Update: got error %v, want nil", err)
			}
		}},
		{"Delete", func(t *testing.T, s sessiond.Store, rec *sessiond.Record) {
			if err := s.Delete(ctx, rec.ID); err != nil {
				t.Fatalf("Delete: got error %v, want nil", err)
			}
			if _, found, err := s.Find(ctx, rec.TokenHash); found || err != nil {
				t.Errorf("Find after Delete: got (%t, %v), want (false, nil)", found, err)
			}
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			prefix := testPrefix()
			s, _ := newStoreAt(t, c, prefix)
			rec := storetest.NewRecord("user-" + rand8())
			if err := s.Create(ctx, rec); err != nil {
				t.Fatalf("Create: got error %v, want nil", err)
			}
			v1 := rotate(rec)
			v2 := rotate(v1)
			for _, u := range []struct{ next, prev *sessiond.Record }{{v1, rec}, {v2, v1}} {
				if err := s.Update(ctx, u.next, u.prev.Version); err != nil {
					t.Fatalf("Update: got error %v, want nil", err)
				}
			}
			staleIndex(t, c, prefix, rec, v1)
			op.check(t, s, v2)
		})
	}
}

// staleIndex points the id key of rec at its first home, and that home,
// now a link, at the second, v1's, which is a link itself.
func staleIndex(t *testing.T, c rueidis.Client, prefix string, rec, v1 *sessiond.Record) {
	t.Helper()
	first, second := hex.EncodeToString(rec.TokenHash[:]), hex.EncodeToString(v1.TokenHash[:])
	cmds := rueidis.Commands{
		c.B().Set().Key(prefix + "i:" + rec.ID).Value(first).Build(),
		c.B().Set().Key(prefix + "t:" + first).Value("L" + second + rec.ID).Keepttl().Build(),
	}
	for _, r := range c.DoMulti(t.Context(), cmds...) {
		if err := r.Error(); err != nil {
			t.Fatalf("making the index stale: got error %v, want nil", err)
		}
	}
}

// TestPrefixIsolation checks that DeleteAll removes only its own store's
// records, even when the prefix holds SCAN pattern characters that would
// match another store's keys.
func TestPrefixIsolation(t *testing.T) {
	c := local(t)
	ctx := t.Context()
	base := testPrefix()
	mine, _ := newStoreAt(t, c, base+"*?[x]:")
	other, _ := newStoreAt(t, c, base+"a?x:")
	rec, kept := storetest.NewRecord("u"), storetest.NewRecord("u")
	for _, p := range []struct {
		s   *redisstore.Store
		rec *sessiond.Record
	}{{mine, rec}, {other, kept}} {
		if err := p.s.Create(ctx, p.rec); err != nil {
			t.Fatalf("Create: got error %v, want nil", err)
		}
	}
	if n, err := mine.DeleteAll(ctx); n != 1 || err != nil {
		t.Errorf("DeleteAll: got (%d, %v), want (1, nil)", n, err)
	}
	if _, found, err := other.Get(ctx, kept.ID); !found || err != nil {
		t.Errorf("other store's Get: got (%t, %v), want the record", found, err)
	}
}

// TestListUserForgets checks that ListUser removes from the user's index
// the ids whose id key is gone, as at the absolute deadline, and keeps
// the others.
func TestListUserForgets(t *testing.T) {
	c := local(t)
	ctx := t.Context()
	prefix := testPrefix()
	s, _ := newStoreAt(t, c, prefix)
	user := "user-" + rand8()
	gone, kept := storetest.NewRecord(user), storetest.NewRecord(user)
	for _, rec := range []*sessiond.Record{gone, kept} {
		if err := s.Create(ctx, rec); err != nil {
			t.Fatalf("Create: got error %v, want nil", err)
		}
	}
	if err := c.Do(ctx, c.B().Del().Key(prefix+"i:"+gone.ID).Build()).Error(); err != nil {
		t.Fatal(err)
	}
	if recs, err := s.ListUser(ctx, user); len(recs) != 1 || err != nil || recs[0].ID != kept.ID {
		t.Fatalf("ListUser: got (%d records, %v), want only %s", len(recs), err, kept.ID)
	}
	ids, err := c.Do(ctx, c.B().Zrange().Key(prefix+"u:"+user).Min("0").Max("-1").Build()).AsStrSlice()
	if err != nil || len(ids) != 1 || ids[0] != kept.ID {
		t.Errorf("user index: got (%v, %v), want [%s]", ids, err, kept.ID)
	}
}

// TestListAllForgets checks that ListAll takes off the list the members
// whose id key is gone, as at the absolute deadline, and that a Create
// trims the members whose absolute deadline passed by Config.Now.
func TestListAllForgets(t *testing.T) {
	c := local(t)
	ctx := t.Context()
	prefix := testPrefix()
	s, _ := newStoreAt(t, c, prefix)
	gone, kept := storetest.NewRecord("user-"+rand8()), storetest.NewRecord("user-"+rand8())
	for _, rec := range []*sessiond.Record{gone, kept} {
		if err := s.Create(ctx, rec); err != nil {
			t.Fatalf("Create: got error %v, want nil", err)
		}
	}
	if err := c.Do(ctx, c.B().Del().Key(prefix+"i:"+gone.ID).Build()).Error(); err != nil {
		t.Fatal(err)
	}
	if recs, err := s.ListAll(ctx, sessiond.ListPosition{}, 10); len(recs) != 1 || err != nil || recs[0].ID != kept.ID {
		t.Fatalf("ListAll: got (%d records, %v), want only %s", len(recs), err, kept.ID)
	}
	if got := listMembers(t, c, prefix); len(got) != 1 || !strings.HasSuffix(got[0], kept.ID) {
		t.Errorf("list: got %v, want only %s's member", got, kept.ID)
	}

	later, err := redisstore.New(redisstore.Config{Client: c, Prefix: prefix, Now: func() time.Time { return kept.AbsoluteExpiresAt.Add(time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	next := storetest.NewRecord("user-" + rand8())
	next.AbsoluteExpiresAt = kept.AbsoluteExpiresAt.Add(time.Hour)
	if err := later.Create(ctx, next); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	if got := listMembers(t, c, prefix); len(got) != 1 || !strings.HasSuffix(got[0], next.ID) {
		t.Errorf("list after a Create past kept's deadline: got %v, want only %s's member", got, next.ID)
	}
}

// listMembers returns the members of the list under prefix.
func listMembers(t *testing.T, c rueidis.Client, prefix string) []string {
	t.Helper()
	got, err := c.Do(t.Context(), c.B().Zrange().Key(prefix+"list").Min("0").Max("-1").Build()).AsStrSlice()
	if err != nil {
		t.Fatalf("ZRANGE: got error %v, want nil", err)
	}
	return got
}
