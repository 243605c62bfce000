package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
)

// Get returns the record with the given id, in one round trip. An id that
// no text column can hold (invalid UTF-8, a NUL byte) is not found.
func (s *Store) Get(ctx context.Context, id string) (*sessiond.Record, bool, error) {
	if !isText(id) {
		return nil, false, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.readOne(ctx, "get", s.q.get, id)
}

// Find returns the record whose current or retired token hash is h, in one
// round trip: a current hash is found on the sessions' own index, and only
// another hash goes on to the token index joined to the sessions, in the
// same statement.
func (s *Store) Find(ctx context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.readOne(ctx, "find", s.q.find, h[:])
}

// ListUser returns the records of userID, from the per-user index, in one
// round trip. An empty userID, or one that no text column can hold, has no
// records and costs none.
func (s *Store) ListUser(ctx context.Context, userID string) ([]*sessiond.Record, error) {
	if userID == "" || !isText(userID) {
		return nil, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, _ := s.pool.Query(ctx, s.q.listUser, userID) // the error is rows.Err's
	recs, err := pgx.CollectRows(rows, scanRecord)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list user: %w", err)
	}
	return recs, nil
}

// readOne runs a query for at most one record.
func (s *Store) readOne(ctx context.Context, op, sql string, arg any) (*sessiond.Record, bool, error) {
	var row recordRow
	err := s.pool.QueryRow(ctx, sql, arg).Scan(row.dest()...)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("pgstore: %s: %w", op, err)
	}
	return row.record(), true, nil
}

// scanRecord decodes a row of rec, last_seen_at and idle_expires_at.
func scanRecord(r pgx.CollectableRow) (*sessiond.Record, error) {
	var row recordRow
	if err := r.Scan(row.dest()...); err != nil {
		return nil, err
	}
	return row.record(), nil
}

// recordRow receives a row of rec, last_seen_at and idle_expires_at. It
// decodes rec straight from the driver's read buffer (it is a
// pgtype.BytesScanner), so that the bytes are not copied first.
type recordRow struct {
	rec            sessiond.Record
	lastSeen, idle time.Time
}

// dest returns the scan destinations of the row's columns.
func (r *recordRow) dest() []any {
	return []any{r, &r.lastSeen, &r.idle}
}

// ScanBytes decodes the rec column. The record keeps none of b.
func (r *recordRow) ScanBytes(b []byte) error {
	return r.rec.UnmarshalBinary(b)
}

// record returns the decoded record with the deadline columns, which Touch
// moves without rewriting rec, laid over it.
func (r *recordRow) record() *sessiond.Record {
	r.rec.LastSeenAt, r.rec.IdleExpiresAt = r.lastSeen.UTC(), r.idle.UTC()
	return &r.rec
}
