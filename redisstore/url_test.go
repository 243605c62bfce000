package redisstore_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond/redisstore"
	"github.com/sessiond/sessiond/storetest"
)

// roundTrip creates a record in s and finds it again.
func roundTrip(t *testing.T, s *redisstore.Store) {
	t.Helper()
	rec := storetest.NewRecord("user-" + rand8())
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	if _, found, err := s.Find(t.Context(), rec.TokenHash); !found || err != nil {
		t.Fatalf("Find: got (%t, %v), want the record", found, err)
	}
}

// TestNewFromURL connects by URL to the local Redis and to the test
// Cluster; Close closes the client the store made.
func TestNewFromURL(t *testing.T) {
	tests := []struct {
		name string
		url  func(t *testing.T) (url string, c rueidis.Client)
	}{
		{"Standalone", func(t *testing.T) (string, rueidis.Client) {
			return "redis://" + localAddr + "/1", local(t)
		}},
		{"Cluster", func(t *testing.T) (string, rueidis.Client) {
			c := cluster(t)
			return "redis+cluster://" + c.addrs[0] + "," + c.addrs[1], c.client
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url, c := tc.url(t)
			prefix := testPrefix()
			newStoreAt(t, c, prefix) // deletes the prefix's keys when t ends
			s, err := redisstore.NewFromURL(t.Context(), url+"?prefix="+prefix)
			if err != nil {
				t.Fatalf("NewFromURL: got error %v, want nil", err)
			}
			roundTrip(t, s)
			if err := s.Close(); err != nil {
				t.Fatalf("Close: got error %v, want nil", err)
			}
			// A standalone client refuses at once after Close; rueidis's
			// Cluster client closes its connections in the background and
			// may answer for a while.
			if _, _, err := s.Get(t.Context(), "x"); tc.name == "Standalone" && !errors.Is(err, rueidis.ErrClosing) {
				t.Errorf("Get after Close: got error %v, want %v", err, rueidis.ErrClosing)
			}
		})
	}
}

// TestNewFromURLRefused checks the errors of URLs that parse but do not
// lead to a usable server.
func TestNewFromURLRefused(t *testing.T) {
	t.Run("NotCluster", func(t *testing.T) {
		local(t)
		_, err := redisstore.NewFromURL(t.Context(), "redis+cluster://"+localAddr)
		if !errors.Is(err, redisstore.ErrBadURL) {
			t.Errorf("got error %v, want %v", err, redisstore.ErrBadURL)
		}
	})
	t.Run("NoServer", func(t *testing.T) {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = redisstore.NewFromURL(t.Context(), "redis://127.0.0.1:"+strconv.Itoa(port))
		if took := time.Since(start); err == nil || took > prompt {
			t.Errorf("got error %v after %v, want an error within %v", err, took, prompt)
		}
	})
	t.Run("BadURL", func(t *testing.T) {
		if _, err := redisstore.NewFromURL(t.Context(), "http://localhost"); !errors.Is(err, redisstore.ErrBadURL) {
			t.Errorf("got error %v, want %v", err, redisstore.ErrBadURL)
		}
	})
}

// TestNew checks that New needs a client and that Close leaves a client
// it was given open.
func TestNew(t *testing.T) {
	if _, err := redisstore.New(redisstore.Config{}); !errors.Is(err, redisstore.ErrNoClient) {
		t.Errorf("New without a client: got error %v, want %v", err, redisstore.ErrNoClient)
	}
	c := local(t)
	s := newStore(t, c)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	if err := c.Do(t.Context(), c.B().Ping().Build()).Error(); err != nil {
		t.Errorf("PING after the store's Close: got error %v, want nil", err)
	}
}
