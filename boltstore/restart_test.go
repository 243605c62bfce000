package boltstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/storetest"
)

// richRecord returns a record of userID with a retired token and data.
func richRecord(userID string) *sessiond.Record {
	rec := storetest.NewRecord(userID)
	old := storetest.NewRecord(userID)
	rec.Retired = []sessiond.RetiredToken{{Hash: old.TokenHash, GraceUntil: rec.CreatedAt.Add(30 * time.Second)}}
	rec.Data = []byte("sealed payload")
	return rec
}

// mustCreate stores rec and stops the test if that fails.
func mustCreate(t testing.TB, s *boltstore.Store, rec *sessiond.Record) {
	t.Helper()
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
}

// found reports whether the store has the record id.
func found(t testing.TB, s *boltstore.Store, id string) bool {
	t.Helper()
	_, ok, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%s): got error %v, want nil", id, err)
	}
	return ok
}

// TestRestart closes a store and opens its file again: records, touches,
// indexes and audit events are all still there.
func TestRestart(t *testing.T) {
	path := dbPath(t)
	first, err := boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	rec := richRecord("alice")
	mustCreate(t, first, rec)
	rec.LastSeenAt = rec.LastSeenAt.Add(time.Minute)
	rec.IdleExpiresAt = rec.IdleExpiresAt.Add(time.Minute)
	if err := first.Touch(t.Context(), rec.ID, rec.LastSeenAt, rec.IdleExpiresAt); err != nil {
		t.Fatalf("Touch: got error %v, want nil", err)
	}
	event := sessiond.Event{ID: "e1", Time: rec.CreatedAt, Type: sessiond.EventCreated, UserID: "alice", SessionID: rec.ID}
	if err := first.AppendEvent(t.Context(), event); err != nil {
		t.Fatalf("AppendEvent: got error %v, want nil", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}

	second := open(t, boltstore.Config{Path: path})
	wantRecord(t, second, rec)
	events, err := second.QueryEvents(t.Context(), sessiond.EventQuery{SessionID: rec.ID})
	if err != nil || len(events) != 1 || events[0].ID != "e1" {
		t.Errorf("QueryEvents after restart: got %v, %v; want [e1]", events, err)
	}
}

// wantRecord checks that Get, Find by every hash and ListUser return
// want.
func wantRecord(t *testing.T, s *boltstore.Store, want *sessiond.Record) {
	t.Helper()
	got, ok, err := s.Get(t.Context(), want.ID)
	if err != nil || !ok {
		t.Fatalf("Get: got (%t, %v), want the record", ok, err)
	}
	wantSame(t, "Get", got, want)
	for _, h := range want.Hashes() {
		got, ok, err := s.Find(t.Context(), h)
		if err != nil || !ok {
			t.Fatalf("Find(%x): got (%t, %v), want the record", h[:4], ok, err)
		}
		wantSame(t, "Find", got, want)
	}
	list, err := s.ListUser(t.Context(), want.UserID)
	if err != nil || len(list) != 1 || list[0].ID != want.ID {
		t.Errorf("ListUser: got %d records, %v; want [%s]", len(list), err, want.ID)
	}
}

// wantSame compares the fields that a restart could lose.
func wantSame(t *testing.T, op string, got, want *sessiond.Record) {
	t.Helper()
	if got.ID != want.ID || got.UserID != want.UserID || got.Version != want.Version ||
		!got.LastSeenAt.Equal(want.LastSeenAt) || !got.IdleExpiresAt.Equal(want.IdleExpiresAt) ||
		!got.AbsoluteExpiresAt.Equal(want.AbsoluteExpiresAt) || !bytes.Equal(got.Data, want.Data) ||
		len(got.Retired) != len(want.Retired) {
		t.Errorf("%s: got %+v, want %+v", op, got, want)
	}
}

// nopAuditor drops every event.
type nopAuditor struct{}

func (nopAuditor) Audit(context.Context, sessiond.Event) {}

// testKeys are fixed data keys, so that data sealed before a restart opens
// after it.
var testKeys = []sessiond.Key{{ID: 1, Secret: bytes.Repeat([]byte{0x5e}, 32)}}

// newManager returns a Manager on s with testKeys that audits into s.
func newManager(t *testing.T, s *boltstore.Store) *sessiond.Manager {
	t.Helper()
	m, err := sessiond.New(s, sessiond.Config{
		Keys:    testKeys,
		Auditor: sessiond.StoreAuditor{Store: s, Next: nopAuditor{}},
	})
	if err != nil {
		t.Fatalf("sessiond.New: got error %v, want nil", err)
	}
	return m
}

// TestManagerRestart logs in and sets a session value through a Manager,
// restarts the store and the Manager, and loads the token again.
func TestManagerRestart(t *testing.T) {
	ctx, path := t.Context(), dbPath(t)
	first, err := boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	sess, token, err := newManager(t, first).LoginToken(ctx, sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		t.Fatalf("Login: got error %v, want nil", err)
	}
	if err := sess.Set("theme", "dark"); err != nil {
		t.Fatalf("Set: got error %v, want nil", err)
	}
	if err := sess.Commit(ctx); err != nil {
		t.Fatalf("Commit: got error %v, want nil", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}

	second := open(t, boltstore.Config{Path: path})
	loaded, _, err := newManager(t, second).Load(ctx, token, sessiond.Client{})
	if err != nil {
		t.Fatalf("Load after restart: got error %v, want nil", err)
	}
	if theme, ok := sessiond.Get[string](loaded, "theme"); !ok || theme != "dark" {
		t.Errorf("theme after restart: got %q, %t; want %q", theme, ok, "dark")
	}
	events, err := second.QueryEvents(ctx, sessiond.EventQuery{SessionID: loaded.ID(), Type: sessiond.EventCreated})
	if err != nil || len(events) != 1 {
		t.Errorf("session.created events after restart: got %d, %v; want 1", len(events), err)
	}
}

// TestRevokeAcrossManagers revokes a session through one Manager: another
// Manager on the same store refuses the token on its very next Load.
func TestRevokeAcrossManagers(t *testing.T) {
	ctx := t.Context()
	s, _ := newStore(t)
	a, b := newManager(t, s), newManager(t, s)
	sess, token, err := a.LoginToken(ctx, sessiond.LoginInfo{UserID: "alice"})
	if err != nil {
		t.Fatalf("Login: got error %v, want nil", err)
	}
	if _, _, err := b.Load(ctx, token, sessiond.Client{}); err != nil {
		t.Fatalf("Load through b before revocation: got error %v, want nil", err)
	}
	if err := sess.Revoke(ctx, sessiond.ReasonLogout); err != nil {
		t.Fatalf("Revoke through a: got error %v, want nil", err)
	}
	if _, _, err := b.Load(ctx, token, sessiond.Client{}); !errors.Is(err, sessiond.ErrInvalidToken) {
		t.Errorf("Load through b after revocation: got error %v, want %v", err, sessiond.ErrInvalidToken)
	}
}
