package boltstore_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
)

// ExampleNew opens a store in a file, keeps a session, closes the store
// and finds the session again after opening the file anew, the way a
// restarted server does.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "boltstore-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sessions.db")
	ctx := context.Background()

	s, err := boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Now().UTC()
	token := "a token the browser holds" // in real use, 32 random bytes
	err = s.Create(ctx, &sessiond.Record{
		ID:                "s1",
		UserID:            "alice",
		TokenHash:         sha256.Sum256([]byte(token)),
		TokenIssuedAt:     now,
		CreatedAt:         now,
		LastSeenAt:        now,
		IdleExpiresAt:     now.Add(30 * time.Minute),
		AbsoluteExpiresAt: now.Add(12 * time.Hour),
		Version:           1,
	})
	fmt.Println("created:", err)
	fmt.Println("closed:", s.Close())

	s, err = boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	rec, found, err := s.Find(ctx, sha256.Sum256([]byte(token)))
	fmt.Println(rec.ID, rec.UserID, found, err)
	// Output:
	// created: <nil>
	// closed: <nil>
	// s1 alice true <nil>
}

// ExampleStore_QueryEvents keeps the audit trail of a Manager in the
// store and reads a user's events back, newest first.
func ExampleStore_QueryEvents() {
	dir, err := os.MkdirTemp("", "boltstore-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	s, err := boltstore.New(boltstore.Config{Path: filepath.Join(dir, "sessions.db")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()

	m, err := sessiond.New(s, sessiond.Config{
		Auditor: sessiond.StoreAuditor{Store: s, Next: nopAuditor{}}, // Next: nil logs with slog too
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sess, _, _ := m.LoginToken(ctx, sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	_ = sess.Revoke(ctx, sessiond.ReasonLogout)

	events, err := s.QueryEvents(ctx, sessiond.EventQuery{UserID: "alice"})
	for _, e := range events {
		fmt.Println(e.Type, e.UserID, e.SessionID == sess.ID())
	}
	fmt.Println(err)
	// Output:
	// session.revoked alice true
	// session.created alice true
	// <nil>
}
