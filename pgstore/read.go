package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
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

// Find returns the record whose current or retired token hash is h. A
// current hash costs one round trip, on the sessions' own index; any other
// hash (a retired or an unknown one) costs a second, on the token index
// joined to the sessions.
func (s *Store) Find(ctx context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rec, found, err := s.readOne(ctx, "find", s.q.find, h[:])
	if found || err != nil {
		return rec, found, err
	}
	return s.readOne(ctx, "find", s.q.findRetired, h[:])
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

// ListAll returns up to limit records of users after the position after,
// in the order of [sessiond.SessionLister], in one round trip that reads
// the index sessions_list from that position.
func (s *Store) ListAll(ctx context.Context, after sessiond.ListPosition, limit int) ([]*sessiond.Record, error) {
	if limit <= 0 {
		return nil, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var rows pgx.Rows
	if after == (sessiond.ListPosition{}) {
		rows, _ = s.pool.Query(ctx, s.q.listAll, limit) // the error is rows.Err's
	} else {
		rows, _ = s.pool.Query(ctx, s.q.listAfter, after.AbsoluteExpiresAt, storable(after.ID), limit)
	}
	recs, err := pgx.CollectRows(rows, scanRecord)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list all: %w", err)
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
	return []any{r, (*timeColumn)(&r.lastSeen), (*timeColumn)(&r.idle)}
}

// timeColumn receives a deadline column. As a pgtype.TimestamptzScanner it
// is scanned directly, where pgx would first wrap a *time.Time on every
// row (one allocation more a column).
type timeColumn time.Time

// ScanTimestamptz takes a finite time; the deadline columns never hold
// another.
func (t *timeColumn) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid || v.InfinityModifier != pgtype.Finite {
		return errBadDeadline
	}
	*t = timeColumn(v.Time)
	return nil
}

// errBadDeadline is a deadline column that holds no finite time.
var errBadDeadline = errors.New("pgstore: a deadline column holds no finite time")

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
