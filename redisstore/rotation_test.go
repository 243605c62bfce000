package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/storetest"
)

// rotations is how many rotations TestConcurrentRotation commits.
const rotations = 40

// rotate returns the next version of rec with a new token hash, the old
// one retired first. Unlike the Manager it keeps every retired hash, so
// that each hash ever published stays valid.
func rotate(rec *sessiond.Record) *sessiond.Record {
	next := *rec
	next.Retired = append([]sessiond.RetiredToken{{Hash: rec.TokenHash, GraceUntil: rec.LastSeenAt}}, rec.Retired...)
	next.TokenHash = storetest.NewRecord("").TokenHash
	next.Version++
	return &next
}

// TestConcurrentRotation moves a record's home over and over from several
// goroutines while others look it up by its newest hash and by id, and
// touch it: every lookup finds it, whichever key its home is at.
func TestConcurrentRotation(t *testing.T) {
	t.Run("Standalone", func(t *testing.T) { testConcurrentRotation(t, local(t)) })
	t.Run("Cluster", func(t *testing.T) { testConcurrentRotation(t, cluster(t).client) })
}

func testConcurrentRotation(t *testing.T, c rueidis.Client) {
	s := newStore(t, c)
	ctx := t.Context()
	rec := storetest.NewRecord("user-" + rand8())
	if err := s.Create(ctx, rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	var latest atomic.Pointer[sessiond.Hash]
	latest.Store(&rec.TokenHash)
	var done atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 4 {
		wg.Go(func() { errs <- rotateUntil(ctx, s, rec.ID, &done, &latest) })
	}
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() { errs <- lookUpWhile(ctx, s, rec, &done, &latest) })
	}
	wg.Wait()
	done.Store(rotations + 1) // stops the readers, whatever happened
	readers.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	final, found, err := s.Get(ctx, rec.ID)
	if err != nil || !found {
		t.Fatalf("Get: got (%t, %v), want the record", found, err)
	}
	for _, h := range final.Hashes() {
		if got, found, err := s.Find(ctx, h); !found || err != nil || got.Version != final.Version {
			t.Errorf("Find(%x): got (%t, %v), want version %d", h[:4], found, err, final.Version)
		}
	}
}

// rotateUntil commits rotations of the record id until there are
// rotations in all, publishing each new hash in latest.
func rotateUntil(ctx context.Context, s sessiond.Store, id string, done *atomic.Int32, latest *atomic.Pointer[sessiond.Hash]) error {
	for done.Load() < rotations {
		cur, found, err := s.Get(ctx, id)
		if err != nil || !found {
			return fmt.Errorf("Get during rotations: got (%t, %v), want the record", found, err)
		}
		next := rotate(cur)
		err = s.Update(ctx, next, cur.Version)
		switch {
		case err == nil:
			latest.Store(&next.TokenHash)
			done.Add(1)
		case !errors.Is(err, sessiond.ErrConflict):
			return fmt.Errorf("Update: got error %v, want nil or ErrConflict", err)
		}
	}
	return nil
}

// lookUpWhile finds rec by the newest published hash and by id, and touches
// it, until the rotations are done.
func lookUpWhile(ctx context.Context, s sessiond.Store, rec *sessiond.Record, done *atomic.Int32, latest *atomic.Pointer[sessiond.Hash]) error {
	for i := 0; done.Load() < rotations; i++ {
		h := *latest.Load()
		got, found, err := s.Find(ctx, h)
		if err != nil || !found || !slices.Contains(got.Hashes(), h) {
			return fmt.Errorf("Find(newest hash %x) during rotations: got (%t, %v), want the record", h[:4], found, err)
		}
		if _, found, err := s.Get(ctx, rec.ID); err != nil || !found {
			return fmt.Errorf("Get during rotations: got (%t, %v), want the record", found, err)
		}
		at := rec.LastSeenAt.Add(time.Duration(i) * time.Millisecond)
		if err := s.Touch(ctx, rec.ID, at, at.Add(30*time.Minute)); err != nil {
			return fmt.Errorf("Touch during rotations: got error %v, want nil", err)
		}
	}
	return nil
}
