package pgstore_test

import (
	"errors"
	"testing"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
)

// TestRevokeSeenByOtherManager runs two Managers, as two replicas would, on
// two stores sharing one schema: a session revoked through one is refused
// by the other on its very next Load.
func TestRevokeSeenByOtherManager(t *testing.T) {
	p := testPool(t)
	a := newStore(t, p, pgstore.Config{})
	b := newStore(t, p, pgstore.Config{Schema: a.Schema()})
	keys := []sessiond.Key{{ID: 1, Secret: make([]byte, 32)}}
	ma := newManager(t, a, keys)
	mb := newManager(t, b, keys)

	sa, tok, err := ma.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		t.Fatalf("Login: got error %v, want nil", err)
	}
	sb, _, err := mb.Load(t.Context(), tok, sessiond.Client{})
	if err != nil || sb.ID() != sa.ID() {
		t.Fatalf("Load on the other Manager: got (%v, %v), want session %s", sb, err, sa.ID())
	}
	if err := sa.Revoke(t.Context(), sessiond.ReasonLogout); err != nil {
		t.Fatalf("Revoke: got error %v, want nil", err)
	}
	if _, _, err := mb.Load(t.Context(), tok, sessiond.Client{}); !errors.Is(err, sessiond.ErrInvalidToken) {
		t.Errorf("Load on the other Manager after Revoke: got error %v, want %v", err, sessiond.ErrInvalidToken)
	}
}

// newManager returns a Manager on s with keys, auditing nothing.
func newManager(t *testing.T, s sessiond.Store, keys []sessiond.Key) *sessiond.Manager {
	t.Helper()
	m, err := sessiond.New(s, sessiond.Config{Keys: keys, Auditor: nopAuditor{}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
