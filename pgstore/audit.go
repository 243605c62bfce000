package pgstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
)

// AppendEvent keeps e, in one round trip. Events are kept for
// Config.AuditRetention and, if set, up to Config.AuditMaxEvents.
//
// Text that PostgreSQL cannot store (invalid UTF-8, NUL bytes), which a
// client can put in its User-Agent, is kept with U+FFFD in place of the
// bad bytes: a client must not be able to keep its actions out of the
// audit log.
func (s *Store) AppendEvent(ctx context.Context, e sessiond.Event) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx, s.q.appendEvent, e.Time.UTC(), storable(string(e.Type)),
		storable(e.UserID), storable(e.SessionID), storable(e.IP), storable(e.UserAgent),
		storable(e.Reason), storable(e.ID), storable(e.Actor))
	if err != nil {
		return fmt.Errorf("pgstore: append event: %w", err)
	}
	return nil
}

// QueryEvents returns the kept events q selects, newest first, in one
// round trip, from the index on user, session or type.
func (s *Store) QueryEvents(ctx context.Context, q sessiond.EventQuery) ([]sessiond.Event, error) {
	sql, args := s.eventQuery(q)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, _ := s.pool.Query(ctx, sql, args...) // the error is rows.Err's
	events, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("pgstore: query events: %w", err)
	}
	return events, nil
}

// eventQuery returns the statement for q and its arguments: a condition
// for each field q sets, so that each combination is its own prepared
// statement with its own plan.
func (s *Store) eventQuery(q sessiond.EventQuery) (string, []any) {
	var (
		b    strings.Builder
		args []any
	)
	b.WriteString(s.q.queryEvents)
	for _, c := range []struct{ column, value string }{
		{"user_id", q.UserID}, {"session_id", q.SessionID}, {"type", string(q.Type)},
	} {
		if c.value == "" {
			continue
		}
		args = append(args, storable(c.value)) // as AppendEvent stored it
		if len(args) == 1 {
			b.WriteString(" WHERE ")
		} else {
			b.WriteString(" AND ")
		}
		b.WriteString(c.column + " = $" + strconv.Itoa(len(args)))
	}
	args = append(args, q.Max())
	b.WriteString(" ORDER BY time DESC, id DESC LIMIT $" + strconv.Itoa(len(args)))
	return b.String(), args
}

// storable returns s as a PostgreSQL text value can hold it: valid UTF-8
// with no NUL byte.
func storable(s string) string {
	if isText(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// isText reports whether s is valid UTF-8 with no NUL byte, as every
// PostgreSQL text value is.
func isText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// scanEvent decodes a row of queryEventsSQL.
func scanEvent(row pgx.CollectableRow) (sessiond.Event, error) {
	var (
		e   sessiond.Event
		typ string
		at  time.Time
	)
	err := row.Scan(&e.ID, &at, &typ, &e.UserID, &e.SessionID, &e.IP, &e.UserAgent, &e.Reason, &e.Actor)
	e.Type, e.Time = sessiond.EventType(typ), at.UTC()
	return e, err
}
