package pgstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sessiond/sessiond"
)

// Create stores rec, its current token hash on the session's row and its
// retired ones (a new session has none) in the token index, in one
// statement and one round trip. It returns
// [sessiond.ErrConflict] if the id or any hash is taken.
func (s *Store) Create(ctx context.Context, rec *sessiond.Record) error {
	return s.CreateWithEvents(ctx, rec, nil)
}

// CreateWithEvents is Create and AppendEvent of each event in one
// statement, one round trip: the record and its events are kept together
// or not at all.
func (s *Store) CreateWithEvents(ctx context.Context, rec *sessiond.Record, events []sessiond.Event) error {
	raw, err := rec.MarshalBinary()
	if err != nil {
		return fmt.Errorf("pgstore: create: %w", err)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	hs := hashes(rec)
	args := []any{rec.ID, rec.UserID, rec.Version,
		rec.LastSeenAt, rec.IdleExpiresAt, rec.AbsoluteExpiresAt, raw, hs[1:], rec.TokenHash[:], tokenSet(hs)}
	query := s.q.create
	if len(events) > 0 {
		ev := eventColumns(events)
		query = s.q.createWithEvents
		args = append(args, ev.times, ev.text[0], ev.text[1], ev.text[2], ev.text[3], ev.text[4], ev.text[5], ev.text[6], ev.text[7])
	}
	var n int64
	if err := s.pool.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		return writeErr("create", err)
	}
	if n == 0 {
		return fmt.Errorf("pgstore: create: %w", sessiond.ErrConflict)
	}
	return nil
}

// Update replaces the record if its stored version is version and
// re-indexes its retired token hashes. It returns [sessiond.ErrConflict] if the
// version differs, the record is gone, or a hash leads to another record;
// then nothing changes.
//
// An Update that keeps the hashes, as every data write does, is one
// single-row UPDATE, one round trip, with no transaction around it; any
// other (a rotation) is a second statement that re-indexes the hashes,
// also one round trip.
func (s *Store) Update(ctx context.Context, rec *sessiond.Record, version int64) error {
	raw, err := rec.MarshalBinary()
	if err != nil {
		return fmt.Errorf("pgstore: update: %w", err)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	hs := hashes(rec)
	set := tokenSet(hs)
	tag, err := s.pool.Exec(ctx, s.q.updateData, rec.ID, version, rec.UserID, rec.Version,
		rec.LastSeenAt, rec.IdleExpiresAt, rec.AbsoluteExpiresAt, raw, rec.TokenHash[:], set)
	if err != nil {
		return writeErr("update", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var n int64
	err = s.pool.QueryRow(ctx, s.q.update, rec.ID, version, rec.UserID, rec.Version,
		rec.LastSeenAt, rec.IdleExpiresAt, rec.AbsoluteExpiresAt, raw, hs[1:], rec.TokenHash[:], set).Scan(&n)
	if err != nil {
		return writeErr("update", err)
	}
	if n == 0 {
		return fmt.Errorf("pgstore: update: %w", sessiond.ErrConflict)
	}
	return nil
}

// Touch moves LastSeenAt and IdleExpiresAt of the record id forward to
// lastSeen and idleExpires, each only if it is later, in one round trip.
// It rewrites no other column. A missing record, or one that has expired
// by Config.Now, is left alone and is not an error.
func (s *Store) Touch(ctx context.Context, id string, lastSeen, idleExpires time.Time) error {
	if !isText(id) {
		return nil // no such record can exist
	}
	now := s.now()
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx, s.q.touch, id, lastSeen, idleExpires, now)
	if err != nil {
		return fmt.Errorf("pgstore: touch: %w", err)
	}
	return nil
}

// Delete removes the record id and its token hashes, in one round trip. A
// missing record is not an error.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.DeleteMany(ctx, []string{id})
}

// DeleteMany removes the records ids and their token hashes with a
// statement for each id, sent as one batch in one round trip. Missing
// records are not an error.
func (s *Store) DeleteMany(ctx context.Context, ids []string) error {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !isText(id) }) // no such record can exist
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	b := new(pgx.Batch)
	for _, id := range ids {
		b.Queue(s.q.delete, id)
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("pgstore: delete: %w", err)
	}
	return nil
}

// DeleteAll removes every record of the schema and reports how many there
// were, in one round trip whatever their number: it locks the sessions,
// counts them and truncates both tables in one transaction. Requests wait
// for it, briefly. It calls no expiry callback.
func (s *Store) DeleteAll(ctx context.Context) (int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("pgstore: delete all: %w", err)
	}
	defer conn.Release()
	// Statements sent together in one simple query run as one transaction.
	results, err := conn.Conn().PgConn().Exec(ctx, s.q.deleteAll).ReadAll()
	if err != nil {
		return 0, fmt.Errorf("pgstore: delete all: %w", err)
	}
	n, err := strconv.Atoi(string(results[1].Rows[0][0]))
	if err != nil {
		return 0, fmt.Errorf("pgstore: delete all: reading the count: %w", err)
	}
	return n, nil
}

// hashes returns rec's token hashes as the statements take them, each
// once, the current one first: the token index holds the others.
func hashes(rec *sessiond.Record) [][]byte {
	hs := rec.Hashes()
	out := make([][]byte, 0, len(hs))
	for i := range hs {
		if !slices.ContainsFunc(out, func(b []byte) bool { return [32]byte(b) == hs[i] }) {
			out = append(out, hs[i][:])
		}
	}
	return out
}

// tokenSet is the digest of hs, hashes as hashes returns them: SHA-256
// over them sorted, the same whatever their order in the record.
func tokenSet(hs [][]byte) []byte {
	sorted := slices.SortedFunc(slices.Values(hs), bytes.Compare)
	d := sha256.New()
	for _, h := range sorted {
		d.Write(h)
	}
	return d.Sum(nil)
}

// SQLSTATE codes that mean another writer got there first.
const (
	uniqueViolation      = "23505"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// writeErr wraps err of the write op. A unique violation (a taken id or
// token hash), or a lost race the server detected, is
// [sessiond.ErrConflict], while the driver's error stays matchable too.
func writeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case uniqueViolation, serializationFailure, deadlockDetected:
			return fmt.Errorf("pgstore: %s: %w: %w", op, sessiond.ErrConflict, err)
		}
	}
	return fmt.Errorf("pgstore: %s: %w", op, err)
}
