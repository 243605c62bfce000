package sessiond_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
)

func TestRevoke_ByIDUserAndEverything(t *testing.T) {
	e := newEnv(t, sessionConfig())
	a1, t1 := e.login(t, "alice")
	_, t2 := e.login(t, "alice")
	a3, t3 := e.login(t, "alice")
	_, tb := e.login(t, "bob")

	if found, err := e.m.RevokeID(t.Context(), a1.ID(), sessiond.ReasonRevoked); err != nil || !found {
		t.Fatalf("RevokeID = %v, %v", found, err)
	}
	if e.valid(t, t1) {
		t.Errorf("session revoked by id still works")
	}
	if found, _ := e.m.RevokeID(t.Context(), a1.ID(), sessiond.ReasonRevoked); found {
		t.Errorf("second RevokeID reported a session")
	}
	n, err := e.m.RevokeUser(t.Context(), "alice", sessiond.ReasonUser, a3.ID())
	if err != nil || n != 1 {
		t.Fatalf("RevokeUser = %d, %v; want 1", n, err)
	}
	if e.valid(t, t2) || !e.valid(t, t3) || !e.valid(t, tb) {
		t.Errorf("after RevokeUser except a3: t2 %v t3 %v bob %v; want false true true",
			e.valid(t, t2), e.valid(t, t3), e.valid(t, tb))
	}
	n, err = e.m.RevokeEverything(t.Context())
	if err != nil || n != 2 {
		t.Fatalf("RevokeEverything = %d, %v; want 2", n, err)
	}
	if e.valid(t, t3) || e.valid(t, tb) {
		t.Errorf("a session survived RevokeEverything")
	}
}

func TestRevoke_SecondManagerSeesItAtOnce(t *testing.T) {
	e := newEnv(t, sessionConfig())
	other, err := sessiond.New(e.store, sessiond.Config{Now: e.clock.Now, Auditor: e.audit})
	if err != nil {
		t.Fatal(err)
	}
	s, tok := e.login(t, "alice")
	if _, _, err := other.Load(t.Context(), tok, sessiond.Client{}); err != nil {
		t.Fatalf("second manager: %v", err)
	}
	s.Revoke(t.Context(), sessiond.ReasonLogout)
	if _, _, err := other.Load(t.Context(), tok, sessiond.Client{}); err == nil {
		t.Errorf("second manager accepted a revoked session")
	}
}

func TestList_UserSessionsNewestFirst(t *testing.T) {
	e := newEnv(t, sessionConfig())
	older, _ := e.login(t, "alice")
	e.clock.Advance(sessiond.DefaultIdleTimeout / 2)
	newer, _ := e.login(t, "alice")
	e.login(t, "bob")
	got, err := e.m.List(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID() != newer.ID() || got[1].ID() != older.ID() {
		t.Fatalf("List = %v, want [%s %s]", ids(got), newer.ID(), older.ID())
	}
	// An expired session is not listed, even before a sweeper removes it.
	e.clock.Advance(sessiond.DefaultIdleTimeout/2 + 1)
	got, _ = e.m.List(t.Context(), "alice")
	if len(got) != 1 || got[0].ID() != newer.ID() {
		t.Errorf("List after older expired = %v, want [%s]", ids(got), newer.ID())
	}
}

func ids(ss []*sessiond.Session) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID())
	}
	return out
}

func TestListAll_NewestFirstInPages(t *testing.T) {
	e := newEnv(t, sessionConfig())
	var want []string // newest first
	for _, user := range []string{"alice", "bob", "alice", "carol", "dave"} {
		s, _ := e.login(t, user)
		want = append([]string{s.ID()}, want...)
		e.clock.Advance(time.Minute)
	}
	if _, _, err := e.m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "erin", Pending: true}); err != nil {
		t.Fatal(err)
	}
	e.store.Create(t.Context(), &sessiond.Record{ // expired, not swept yet
		ID: "expired", UserID: "frank", TokenHash: sessiond.Hash{1},
		IdleExpiresAt: e.clock.Now().Add(-time.Second), AbsoluteExpiresAt: e.clock.Now().Add(time.Hour),
	})
	var got []string
	cursor, pages := "", 0
	for {
		page, next, err := e.m.ListAll(t.Context(), cursor, 2)
		if err != nil {
			t.Fatalf("ListAll(%q): %v", cursor, err)
		}
		if len(page) > 2 {
			t.Fatalf("ListAll(%q): got %d sessions, want at most 2", cursor, len(page))
		}
		got, pages = append(got, ids(page)...), pages+1
		if next == "" {
			break
		}
		cursor = next
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("ListAll: got %v in %d pages, want %v in 3", got, pages, want)
	}
}

func TestListAll_BadCursor(t *testing.T) {
	e := newEnv(t, sessionConfig())
	for _, c := range []string{"x", "12", ".id", "12.", "1x.id", strings.Repeat("1", 300) + ".id"} {
		if _, _, err := e.m.ListAll(t.Context(), c, 10); !errors.Is(err, sessiond.ErrBadCursor) {
			t.Errorf("ListAll(%q): got %v, want ErrBadCursor", c, err)
		}
	}
}

// noLister is a store that cannot list every session.
type noLister struct{ sessiond.Store }

// unsupported is a store that wraps one that cannot list every session.
type unsupported struct{ sessiond.Store }

func (unsupported) ListAll(context.Context, sessiond.ListPosition, int) ([]*sessiond.Record, error) {
	return nil, errors.ErrUnsupported
}

func TestListAll_Unsupported(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(sessiond.Store) sessiond.Store
	}{
		{"not a lister", func(s sessiond.Store) sessiond.Store { return noLister{s} }},
		{"a wrapper", func(s sessiond.Store) sessiond.Store { return unsupported{s} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, sessionConfig())
			m, err := sessiond.New(tc.store(e.store), sessiond.Config{Now: e.clock.Now, Auditor: e.audit})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := m.ListAll(t.Context(), "", 10); !errors.Is(err, errors.ErrUnsupported) {
				t.Errorf("ListAll: got %v, want ErrUnsupported", err)
			}
		})
	}
}

// deleteSpy counts the deletes that reach a memstore, one at a time and
// in batches, and fails batches when failMany is set.
type deleteSpy struct {
	*memstore.Store
	mu       sync.Mutex
	single   int
	batches  [][]string
	failMany bool
}

func (d *deleteSpy) Delete(ctx context.Context, id string) error {
	d.mu.Lock()
	d.single++
	d.mu.Unlock()
	return d.Store.Delete(ctx, id)
}

func (d *deleteSpy) DeleteMany(ctx context.Context, ids []string) error {
	d.mu.Lock()
	d.batches = append(d.batches, slices.Clone(ids))
	fail := d.failMany
	d.mu.Unlock()
	if fail {
		return errors.New("store down")
	}
	return d.Store.DeleteMany(ctx, ids)
}

// onlyDeletes hides every optional interface of the spy: a store that
// cannot delete in batches.
type onlyDeletes struct{ sessiond.Store }

// TestRevokeUser_DeletesInOneBatch_R31_R32 checks that RevokeUser ends a
// user's sessions with one DeleteMany on a store that is a BatchDeleter,
// with one Delete each on one that is not, and audits each session ended
// either way; and that a failed batch reports the store's failure and
// audits none as revoked.
func TestRevokeUser_DeletesInOneBatch_R31_R32(t *testing.T) {
	for _, batch := range []bool{true, false} {
		t.Run(map[bool]string{true: "Batch", false: "OneByOne"}[batch], func(t *testing.T) {
			clock, audit := newClock(), &auditLog{}
			spy := &deleteSpy{Store: memstore.New(memstore.Config{Now: clock.Now})}
			var store sessiond.Store = spy
			if !batch {
				store = onlyDeletes{spy}
			}
			m, err := sessiond.New(store, sessiond.Config{Now: clock.Now, Auditor: audit})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var toks []string
			for range 3 {
				s, tok, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
				if err != nil {
					t.Fatal(err)
				}
				ids, toks = append(ids, s.ID()), append(toks, tok)
			}
			n, err := m.RevokeUser(t.Context(), "alice", sessiond.ReasonUser, ids[0])
			if err != nil || n != 2 {
				t.Fatalf("RevokeUser: got (%d, %v), want (2, nil)", n, err)
			}
			wantBatches, wantSingle := 1, 0
			if !batch {
				wantBatches, wantSingle = 0, 2
			}
			if len(spy.batches) != wantBatches || spy.single != wantSingle {
				t.Errorf("got %d batches %v and %d single deletes, want %d and %d", len(spy.batches), spy.batches, spy.single, wantBatches, wantSingle)
			}
			if batch && (len(spy.batches[0]) != 2 || slices.Contains(spy.batches[0], ids[0])) {
				t.Errorf("batch: got %v, want the two sessions other than %s", spy.batches[0], ids[0])
			}
			for i, tok := range toks {
				_, _, err := m.Load(t.Context(), tok, sessiond.Client{})
				if live := err == nil; live != (i == 0) {
					t.Errorf("session %d: live %t after RevokeUser, want %t", i, live, i == 0)
				}
			}
			revoked := 0
			for _, e := range audit.events {
				if e.Type == sessiond.EventRevoked && e.Reason == sessiond.ReasonUser {
					revoked++
				}
			}
			if revoked != 2 {
				t.Errorf("got %d session.revoked events, want 2", revoked)
			}
		})
	}
	t.Run("BatchFails", func(t *testing.T) {
		clock, audit := newClock(), &auditLog{}
		spy := &deleteSpy{Store: memstore.New(memstore.Config{Now: clock.Now}), failMany: true}
		m, err := sessiond.New(spy, sessiond.Config{Now: clock.Now, Auditor: audit})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, _, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := m.RevokeUser(t.Context(), "alice", sessiond.ReasonUser)
		if n != 0 || err == nil || !strings.Contains(err.Error(), "store down") {
			t.Errorf("RevokeUser on a failing batch: got (%d, %v), want (0, the store's error)", n, err)
		}
		if _, ok := audit.last(sessiond.EventRevoked); ok {
			t.Error("a session.revoked event was audited for a batch that failed")
		}
	})
}
