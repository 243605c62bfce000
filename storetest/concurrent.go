package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// writers is how many goroutines the concurrency tests run.
const writers = 20

// maxAttempts bounds each goroutine's retries, so that a store that always
// answers ErrConflict fails the test instead of hanging it.
const maxAttempts = 1000

// testConcurrentUpdate runs read-modify-write loops in many goroutines, each
// adding its own byte to Data: every byte must be there at the end, and the
// version must have grown once per write.
func testConcurrentUpdate(t *testing.T, h Harness) {
	s := h.store(t)
	rec := NewRecord(randomUser())
	mustCreate(t, s, rec)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() { errs <- appendByte(t.Context(), s, rec.ID, byte(i)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	wantAllBytes(t, mustGet(t, s, rec.ID), rec.Version, writers)
}

// testConcurrentUpdateTouch runs read-modify-write loops while other
// goroutines touch the same record: a touch must not undo a write.
func testConcurrentUpdateTouch(t *testing.T, h Harness) {
	s := h.store(t)
	rec := NewRecord(randomUser())
	mustCreate(t, s, rec)
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for i := range writers {
		wg.Go(func() { errs <- appendByte(t.Context(), s, rec.ID, byte(i)) })
		wg.Go(func() { errs <- touchRepeatedly(t.Context(), s, rec, i) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	wantAllBytes(t, mustGet(t, s, rec.ID), rec.Version, writers)
}

// appendByte adds b to the Data of the record id, retrying on ErrConflict.
// It never modifies a record the store returned.
func appendByte(ctx context.Context, s sessiond.Store, id string, b byte) error {
	for range maxAttempts {
		cur, found, err := s.Get(ctx, id)
		if err != nil || !found {
			return fmt.Errorf("Get(%s): got (%t, %v), want the record", id, found, err)
		}
		next := *cur
		next.Data = append(slices.Clone(cur.Data), b)
		next.Version = cur.Version + 1
		err = s.Update(ctx, &next, cur.Version)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sessiond.ErrConflict) {
			return fmt.Errorf("Update(%s): got error %v, want nil or ErrConflict", id, err)
		}
	}
	return fmt.Errorf("writer %d: still ErrConflict after %d attempts", b, maxAttempts)
}

// touchRepeatedly touches rec a few times, each time a little later.
func touchRepeatedly(ctx context.Context, s sessiond.Store, rec *sessiond.Record, i int) error {
	for j := range 5 {
		at := rec.LastSeenAt.Add(time.Duration(i*5+j+1) * time.Millisecond)
		if err := s.Touch(ctx, rec.ID, at, at.Add(30*time.Minute)); err != nil {
			return fmt.Errorf("Touch(%s): got error %v, want nil", rec.ID, err)
		}
	}
	return nil
}

// wantAllBytes checks that got's Data holds each byte 0…n-1 once and that
// its version grew by n from start.
func wantAllBytes(t *testing.T, got *sessiond.Record, start int64, n int) {
	t.Helper()
	if want := start + int64(n); got.Version != want {
		t.Errorf("Version: got %d, want %d", got.Version, want)
	}
	data := slices.Sorted(slices.Values(got.Data))
	want := make([]byte, n)
	for i := range want {
		want[i] = byte(i)
	}
	if !slices.Equal(data, want) {
		t.Errorf("Data, sorted: got %v, want %v (a write was lost)", data, want)
	}
}
