package memstore_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
)

// ExampleNew stores a session and finds it again by the hash of its token,
// the way every request does.
func ExampleNew() {
	s := memstore.New(memstore.Config{})
	defer s.Close()
	ctx := context.Background()

	now := time.Now().UTC()
	token := "a token the browser holds" // in real use, 32 random bytes
	err := s.Create(ctx, &sessiond.Record{
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
	if err != nil {
		fmt.Println(err)
		return
	}

	rec, found, err := s.Find(ctx, sha256.Sum256([]byte(token)))
	fmt.Println(rec.ID, rec.UserID, found, err)
	sessions, _ := s.ListUser(ctx, "alice")
	fmt.Println(len(sessions), "session of alice")
	// Output:
	// s1 alice true <nil>
	// 1 session of alice
}

// ExampleStore_OnExpire shows the expiry callback, run on a clock that the
// example moves by hand.
func ExampleStore_OnExpire() {
	start := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var elapsed atomic.Int64 // read by the sweeper goroutine too
	now := func() time.Time { return start.Add(time.Duration(elapsed.Load())) }
	s := memstore.New(memstore.Config{Now: now})
	defer s.Close()
	ctx := context.Background()
	s.OnExpire(func(ctx context.Context, rec *sessiond.Record) {
		fmt.Println("expired:", rec.ID)
	})

	_ = s.Create(ctx, &sessiond.Record{
		ID:                "s1",
		TokenHash:         sha256.Sum256([]byte("token")),
		IdleExpiresAt:     start.Add(30 * time.Minute),
		AbsoluteExpiresAt: start.Add(12 * time.Hour),
	})
	elapsed.Store(int64(31 * time.Minute)) // idle too long
	fmt.Println("removed:", s.Sweep(ctx))
	// Output:
	// expired: s1
	// removed: 1
}
