package boltstore_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/storetest"
)

// TestReadsTakeNoWriteLock holds a write transaction open and reads
// meanwhile: every read answers, while a write waits for the transaction.
func TestReadsTakeNoWriteLock(t *testing.T) {
	s, _ := newStore(t)
	ctx, rec := t.Context(), richRecord("alice")
	mustCreate(t, s, rec)
	appendEvents(t, s, sessiond.Event{ID: "e", Time: rec.CreatedAt, UserID: "alice", SessionID: rec.ID})

	locked, release, writerDone := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		writerDone <- boltstore.DB(s).Update(func(*bolt.Tx) error {
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	created := make(chan error, 1)
	go func() { created <- s.Create(ctx, storetest.NewRecord("bob")) }()

	readsDone := make(chan struct{})
	go func() {
		defer close(readsDone)
		_, gotOK, getErr := s.Get(ctx, rec.ID)
		_, findOK, findErr := s.Find(ctx, rec.Retired[0].Hash)
		list, listErr := s.ListUser(ctx, "alice")
		events, queryErr := s.QueryEvents(ctx, sessiond.EventQuery{SessionID: rec.ID})
		if !gotOK || !findOK || len(list) != 1 || len(events) != 1 || errors.Join(getErr, findErr, listErr, queryErr) != nil {
			t.Errorf("reads during a write: got Get %t, Find %t, ListUser %d, QueryEvents %d, errors %v; want the record and the event",
				gotOK, findOK, len(list), len(events), errors.Join(getErr, findErr, listErr, queryErr))
		}
	}()
	select {
	case <-readsDone:
	case <-time.After(10 * time.Second):
		t.Fatal("reads waited for an open write transaction")
	}
	select {
	case err := <-created:
		t.Fatalf("Create returned %v while another write transaction was open; want it to wait", err)
	default:
	}
	close(release)
	if err := errors.Join(<-writerDone, <-created); err != nil {
		t.Fatalf("writes after the transaction: got error %v, want nil", err)
	}
}

// TestBatchRerun makes the fifth function of a group of ten fail, so that
// the group runs the others again without it and the failed one alone:
// each write still takes effect once, and of two Creates of one id
// exactly one succeeds.
func TestBatchRerun(t *testing.T) {
	s, c := newStore(t)
	defer boltstore.OneBatch(s, 10)() // the tenth write starts the commit
	runs := boltstore.FailRun(s, 5)

	first, second := storetest.NewRecord("alice"), storetest.NewRecord("alice")
	twin := *first
	twin.TokenHash = second.TokenHash // same id as first, new hash
	recs := []*sessiond.Record{first, &twin, storetest.NewRecord("bob"), storetest.NewRecord(""),
		storetest.NewRecord("carol"), storetest.NewRecord("carol"), storetest.NewRecord("dave"), storetest.NewRecord("erin")}
	var wg sync.WaitGroup
	errs := make([]error, len(recs)+2)
	for i, rec := range recs {
		wg.Go(func() { errs[i] = s.Create(t.Context(), rec) })
	}
	for i := range 2 {
		wg.Go(func() {
			errs[len(recs)+i] = s.AppendEvent(t.Context(), sessiond.Event{ID: fmt.Sprint(i), Time: c.Now(), UserID: "alice"})
		})
	}
	wg.Wait()

	if got, want := runs.Load(), int64(5+9+1); got != want {
		t.Errorf("function runs: got %d, want %d (five, the other nine again, the failed one alone)", got, want)
	}
	conflicts := 0
	for i, err := range errs {
		switch {
		case errors.Is(err, sessiond.ErrConflict) && i < 2:
			conflicts++
		case err != nil:
			t.Errorf("write %d: got error %v, want nil", i, err)
		}
	}
	if conflicts != 1 {
		t.Errorf("two Creates of one id: got %d conflicts, want 1", conflicts)
	}
	if n, err := s.DeleteAll(t.Context()); err != nil || n != len(recs)-1 {
		t.Errorf("records: got %d, %v; want %d", n, err, len(recs)-1)
	}
	if got := queryIDs(t, s, sessiond.EventQuery{UserID: "alice"}); len(got) != 3 {
		t.Errorf("events: got %q, want two", got)
	}
	wantConsistent(t, s)
}

// TestIndexesStayInStep runs a random mix of every write, then checks that
// the indexes hold exactly the entries of the records left.
func TestIndexesStayInStep(t *testing.T) {
	s, c := newStore(t)
	ctx := t.Context()
	r := rand.New(rand.NewPCG(1, 2))
	users := []string{"", "alice", "bob", "a\x00b"}
	var live []*sessiond.Record
	for range 300 {
		switch op := r.IntN(5); {
		case op == 0 || len(live) == 0:
			rec := richRecord(users[r.IntN(len(users))])
			rec.IdleExpiresAt = c.Now().Add(time.Duration(r.IntN(20)) * time.Minute).UTC()
			mustCreate(t, s, rec)
			live = append(live, rec)
		case op == 1:
			i := r.IntN(len(live))
			next := rotate(live[i], users[r.IntN(len(users))])
			if err := s.Update(ctx, next, live[i].Version); err != nil {
				t.Fatalf("Update: got error %v, want nil", err)
			}
			live[i] = next
		case op == 2:
			rec := live[r.IntN(len(live))]
			at := c.Now().UTC()
			if err := s.Touch(ctx, rec.ID, at, at.Add(time.Duration(r.IntN(20))*time.Minute)); err != nil {
				t.Fatalf("Touch: got error %v, want nil", err)
			}
		case op == 3:
			i := r.IntN(len(live))
			if err := s.Delete(ctx, live[i].ID); err != nil {
				t.Fatalf("Delete: got error %v, want nil", err)
			}
			live = append(live[:i], live[i+1:]...)
		default:
			c.Advance(time.Minute)
			if _, err := s.Sweep(ctx); err != nil {
				t.Fatalf("Sweep: got error %v, want nil", err)
			}
			live = slices.DeleteFunc(live, func(rec *sessiond.Record) bool { return !found(t, s, rec.ID) })
		}
	}
	wantConsistent(t, s)
}

// rotate returns the next version of rec as a rotation makes it, given to
// userID, keeping at most two retired tokens.
func rotate(rec *sessiond.Record, userID string) *sessiond.Record {
	next := *rec
	next.UserID = userID
	next.Retired = append([]sessiond.RetiredToken{{Hash: rec.TokenHash, GraceUntil: rec.LastSeenAt}}, rec.Retired...)[:min(2, 1+len(rec.Retired))]
	next.TokenHash = storetest.NewRecord("").TokenHash
	next.Version++
	return &next
}
