package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// TestNewRefuses checks the configurations New and NewFromURL refuse.
func TestNewRefuses(t *testing.T) {
	p := testPool(t)
	if _, err := pgstore.New(t.Context(), pgstore.Config{}); err == nil {
		t.Error("New without a pool: got nil error, want one")
	}
	if _, err := pgstore.NewFromURL(t.Context(), testURL(), pgstore.Config{Pool: p}); err == nil {
		t.Error("NewFromURL with Config.Pool set: got nil error, want one")
	}
	if _, err := pgstore.NewFromURL(t.Context(), "postgres://%zz", pgstore.Config{}); err == nil {
		t.Error("NewFromURL with a malformed URL: got nil error, want one")
	}
}

// TestNewFromURLUnreachable checks that NewFromURL returns the error of a
// server that is not there, without waiting for it.
func TestNewFromURLUnreachable(t *testing.T) {
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/test?sslmode=disable", freePort(t))
	start := time.Now()
	s, err := pgstore.NewFromURL(t.Context(), url, pgstore.Config{})
	if err == nil {
		s.Close()
	}
	if took := time.Since(start); err == nil || took > prompt {
		t.Errorf("NewFromURL with no server: got error %v after %v, want an error within %v", err, took, prompt)
	}
}

// TestNewFromURL makes a store on a pool of its own, which Close closes.
func TestNewFromURL(t *testing.T) {
	p := testPool(t)
	schema := randomSchema()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	s, err := pgstore.NewFromURL(t.Context(), testURL(), pgstore.Config{Schema: schema})
	if err != nil {
		t.Fatalf("NewFromURL: got error %v, want nil", err)
	}
	rec := storetest.NewRecord("alice")
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: got error %v, want nil", err)
	}
	if _, _, err := s.Get(t.Context(), rec.ID); err == nil {
		t.Error("Get after Close of a store with its own pool: got nil error, want one (the pool is closed)")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: got error %v, want nil", err)
	}
}

// TestConflictError checks that a conflict matches both sessiond's
// sentinel and the driver's error.
func TestConflictError(t *testing.T) {
	s := newStore(t, testPool(t), pgstore.Config{})
	rec := storetest.NewRecord("alice")
	mustCreate(t, s, rec)
	err := s.Create(t.Context(), rec)
	var pgErr *pgconn.PgError
	if !errors.Is(err, sessiond.ErrConflict) || !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Errorf("Create twice: got error %v, want one matching ErrConflict and a unique violation", err)
	}
}

// TestCanceledContext checks that a canceled context fails a call at once.
func TestCanceledContext(t *testing.T) {
	s := newStore(t, testPool(t), pgstore.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := s.Find(ctx, sessiond.Hash{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Find with a canceled context: got error %v, want %v", err, context.Canceled)
	}
}

// TestIDNotText calls the methods that take an id or a user id from
// outside with one that no text column can hold: nothing is found and
// nothing fails.
func TestIDNotText(t *testing.T) {
	s := newStore(t, testPool(t), pgstore.Config{})
	for _, id := range []string{"\xff", "a\x00b"} {
		if rec, found, err := s.Get(t.Context(), id); rec != nil || found || err != nil {
			t.Errorf("Get(%q): got (%v, %t, %v), want (nil, false, nil)", id, rec, found, err)
		}
		if recs, err := s.ListUser(t.Context(), id); len(recs) != 0 || err != nil {
			t.Errorf("ListUser(%q): got (%v, %v), want none", id, recs, err)
		}
		if err := s.Delete(t.Context(), id); err != nil {
			t.Errorf("Delete(%q): got error %v, want nil", id, err)
		}
		if err := s.Touch(t.Context(), id, time.Now(), time.Now()); err != nil {
			t.Errorf("Touch(%q): got error %v, want nil", id, err)
		}
	}
}

// TestCorruptRecord checks that a stored record that does not decode is an
// error, never "not found": the Manager must fail closed on it.
func TestCorruptRecord(t *testing.T) {
	s, rec := storedAndAltered(t, "rec = '\\x00'")
	if _, found, err := s.Get(t.Context(), rec.ID); !errors.Is(err, sessiond.ErrBadRecord) {
		t.Errorf("Get: got (%t, %v), want an error matching %v", found, err, sessiond.ErrBadRecord)
	}
	if _, found, err := s.Find(t.Context(), rec.TokenHash); !errors.Is(err, sessiond.ErrBadRecord) {
		t.Errorf("Find: got (%t, %v), want an error matching %v", found, err, sessiond.ErrBadRecord)
	}
	if _, err := s.ListUser(t.Context(), "alice"); !errors.Is(err, sessiond.ErrBadRecord) {
		t.Errorf("ListUser: got %v, want an error matching %v", err, sessiond.ErrBadRecord)
	}
}
