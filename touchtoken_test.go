package sessiond_test

import (
	"context"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
)

// tokenTouchStore is a memstore that is a sessiond.TokenToucher, keeping
// the hash hints it is given.
type tokenTouchStore struct {
	*memstore.Store
	hints []sessiond.Hash
}

func (s *tokenTouchStore) TouchToken(ctx context.Context, id string, h sessiond.Hash, lastSeen, idleExpires time.Time) error {
	s.hints = append(s.hints, h)
	return s.Touch(ctx, id, lastSeen, idleExpires)
}

// TestTouchTokenHint checks that a Manager touches through TouchToken when
// the store has it, with the session's current hash, and that the touch
// lands.
func TestTouchTokenHint(t *testing.T) {
	clk := newClock()
	store := &tokenTouchStore{Store: memstore.New(memstore.Config{Now: clk.Now})}
	t.Cleanup(func() { store.Close() })
	m, err := sessiond.New(store, sessiond.Config{Now: clk.Now, Auditor: &auditLog{}})
	if err != nil {
		t.Fatal(err)
	}
	s, tok, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		t.Fatal(err)
	}
	rec, _, _ := store.Get(t.Context(), s.ID())
	clk.Advance(time.Minute) // past TouchInterval (18 s by default)
	if _, _, err := m.Load(t.Context(), tok, sessiond.Client{}); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(store.hints) != 1 || store.hints[0] != rec.TokenHash {
		t.Fatalf("TouchToken hints: got %x, want one with the current hash %x", store.hints, rec.TokenHash)
	}
	if got, _, _ := store.Get(t.Context(), s.ID()); !got.LastSeenAt.Equal(clk.Now()) {
		t.Errorf("LastSeenAt after the touch: got %v, want %v", got.LastSeenAt, clk.Now())
	}
}
