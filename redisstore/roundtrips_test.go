package redisstore_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/storetest"
)

// countingClient counts round trips: each command sent alone, and each
// pipeline.
type countingClient struct {
	rueidis.Client
	n atomic.Int64
}

func (c *countingClient) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	c.n.Add(1)
	return c.Client.Do(ctx, cmd)
}

func (c *countingClient) DoMulti(ctx context.Context, cmds ...rueidis.Completed) []rueidis.RedisResult {
	c.n.Add(1)
	return c.Client.DoMulti(ctx, cmds...)
}

// TestRoundTrips counts the round trips of the calls on the request path:
// Find of a current token is one, TouchToken by the current hash is one,
// and Touch by id is two; Create of a user's record is two, and
// CreateWithEvents does as much and keeps its events in the same two.
// Each call runs twice and the second is counted:
// the first may load a script the server did not know.
func TestRoundTrips(t *testing.T) {
	c := &countingClient{Client: local(t)}
	s, _ := newStoreAt(t, c, testPrefix())
	rec := storetest.NewRecord("alice")
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	at := rec.LastSeenAt
	for _, tc := range []struct {
		name string
		call func() error
		want int64
	}{
		{"Find", func() error { _, _, err := s.Find(t.Context(), rec.TokenHash); return err }, 1},
		{"TouchToken", func() error {
			at = at.Add(time.Second)
			return s.TouchToken(t.Context(), rec.ID, rec.TokenHash, at, at.Add(time.Hour))
		}, 1},
		{"Touch", func() error { at = at.Add(time.Second); return s.Touch(t.Context(), rec.ID, at, at.Add(time.Hour)) }, 2},
		{"Create", func() error { return s.Create(t.Context(), storetest.NewRecord("alice")) }, 2},
		{"AppendEvent", func() error { return s.AppendEvent(t.Context(), sessiond.Event{ID: "e"}) }, 1},
		{"CreateWithEvents", func() error {
			r := storetest.NewRecord("alice")
			return s.CreateWithEvents(t.Context(), r, []sessiond.Event{{ID: "e", Type: sessiond.EventCreated, SessionID: r.ID}})
		}, 2},
	} {
		for range 2 {
			c.n.Store(0)
			if err := tc.call(); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		if got := c.n.Load(); got != tc.want {
			t.Errorf("%s: %d round trips, want %d", tc.name, got, tc.want)
		}
	}
	got, _, err := s.Get(t.Context(), rec.ID)
	if err != nil || !got.LastSeenAt.Equal(at) {
		t.Errorf("after the touches: LastSeenAt %v (%v), want %v", got.LastSeenAt, err, at)
	}
}
