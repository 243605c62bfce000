package redisstore_test

import (
	"crypto/rand"
	"errors"
	"testing"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/redisstore"
)

// twoManagers returns two Managers, each on its own store and connection,
// sharing the local Redis under one prefix and one sealing key: two
// processes of one application.
func twoManagers(t *testing.T) (*sessiond.Manager, *sessiond.Manager) {
	local(t) // skips without a server
	prefix := testPrefix()
	key := sessiond.Key{ID: 1, Secret: make([]byte, 32)}
	rand.Read(key.Secret)
	var ms [2]*sessiond.Manager
	for i := range ms {
		s, err := redisstore.NewFromURL(t.Context(), "redis://"+localAddr+"?prefix="+prefix)
		if err != nil {
			t.Fatalf("NewFromURL: got error %v, want nil", err)
		}
		if i == 0 {
			t.Cleanup(func() { cleanup(t, local(t), s, prefix) })
		} else {
			t.Cleanup(func() { s.Close() })
		}
		if ms[i], err = sessiond.New(s, sessiond.Config{Keys: []sessiond.Key{key}, Auditor: nopAuditor{}}); err != nil {
			t.Fatal(err)
		}
	}
	return ms[0], ms[1]
}

// wantValid checks that m accepts tok.
func wantValid(t *testing.T, m *sessiond.Manager, tok string) *sessiond.Session {
	t.Helper()
	s, _, err := m.Load(t.Context(), tok, sessiond.Client{})
	if err != nil {
		t.Fatalf("Load: got error %v, want nil", err)
	}
	return s
}

// wantInvalid checks that m refuses tok as invalid.
func wantInvalid(t *testing.T, m *sessiond.Manager, tok string) {
	t.Helper()
	if _, _, err := m.Load(t.Context(), tok, sessiond.Client{}); !errors.Is(err, sessiond.ErrInvalidToken) {
		t.Errorf("Load: got error %v, want %v", err, sessiond.ErrInvalidToken)
	}
}

// TestRevocationAcrossManagers revokes through one Manager; the other
// refuses the token on its very next Load, whichever way it was revoked.
func TestRevocationAcrossManagers(t *testing.T) {
	a, b := twoManagers(t)
	revokes := []struct {
		name   string
		revoke func(t *testing.T, s *sessiond.Session) error
	}{
		{"Session", func(t *testing.T, s *sessiond.Session) error { return s.Revoke(t.Context(), sessiond.ReasonLogout) }},
		{"ID", func(t *testing.T, s *sessiond.Session) error {
			_, err := a.RevokeID(t.Context(), s.ID(), sessiond.ReasonRevoked)
			return err
		}},
		{"User", func(t *testing.T, s *sessiond.Session) error {
			_, err := a.RevokeUser(t.Context(), s.UserID(), sessiond.ReasonUser)
			return err
		}},
	}
	for _, tc := range revokes {
		t.Run(tc.name, func(t *testing.T) {
			_, tok, err := a.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "user-" + rand8(), Methods: []string{"pwd"}})
			if err != nil {
				t.Fatalf("Login: got error %v, want nil", err)
			}
			wantValid(t, b, tok)
			if err := tc.revoke(t, wantValid(t, a, tok)); err != nil {
				t.Fatalf("revoke: got error %v, want nil", err)
			}
			wantInvalid(t, b, tok)
		})
	}
}

// TestRotationAcrossManagers rotates a token through one Manager: the
// other accepts the new token at once, and the old one inside its grace.
func TestRotationAcrossManagers(t *testing.T) {
	a, b := twoManagers(t)
	_, tok, err := a.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "user-" + rand8(), Methods: []string{"pwd"}})
	if err != nil {
		t.Fatalf("Login: got error %v, want nil", err)
	}
	next, err := wantValid(t, a, tok).Renew(t.Context())
	if err != nil {
		t.Fatalf("Renew: got error %v, want nil", err)
	}
	wantValid(t, b, next)
	wantValid(t, b, tok)
}
