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

// eventArrays are events as columns, for createWithEventsSQL: their
// times, then their type, user_id, session_id, ip, user_agent, reason,
// event_id and actor, each made storable as AppendEvent makes it.
type eventArrays struct {
	times []time.Time
	text  [8][]string
}

// eventColumns returns events as columns.
func eventColumns(events []sessiond.Event) eventArrays {
	var a eventArrays
	for _, e := range events {
		a.times = append(a.times, e.Time.UTC())
		for i, v := range []string{string(e.Type), e.UserID, e.SessionID, e.IP, e.UserAgent, e.Reason, e.ID, e.Actor} {
			a.text[i] = append(a.text[i], storable(v))
		}
	}
	return a
}

// QueryEvents returns the kept events q selects, newest first, in one
// round trip, from the index on user, session or type.
func (s *Store) QueryEvents(ctx context.Context, q sessiond.EventQuery) ([]sessiond.Event, error) {
	events, _, err := s.QueryEventPage(ctx, q, "")
	return events, err
}

// QueryEventPage is QueryEvents from the place of cursor on, in one round
// trip that reads the index from that place: the cursor of a full page is
// the time of its last event in Unix microseconds, a dot, and the row's
// id.
func (s *Store) QueryEventPage(ctx context.Context, q sessiond.EventQuery, cursor string) ([]sessiond.Event, string, error) {
	var after *eventPlace
	if cursor != "" {
		p, err := parseEventPlace(cursor)
		if err != nil {
			return nil, "", err
		}
		after = &p
	}
	sql, args := s.eventQuery(q, after)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, _ := s.pool.Query(ctx, sql, args...) // the error is rows.Err's
	var last eventPlace
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sessiond.Event, error) {
		return scanEvent(row, &last)
	})
	if err != nil {
		return nil, "", fmt.Errorf("pgstore: query events: %w", err)
	}
	if len(events) < q.Max() {
		return events, "", nil
	}
	return events, last.String(), nil
}

// eventPlace is the place of an event in the order of queries: its time
// and its row's id.
type eventPlace struct {
	time time.Time
	id   int64
}

// String is the cursor of the place.
func (p eventPlace) String() string {
	return strconv.FormatInt(p.time.UnixMicro(), 10) + "." + strconv.FormatInt(p.id, 10)
}

// parseEventPlace reads what eventPlace.String wrote.
func parseEventPlace(cursor string) (eventPlace, error) {
	us, id, _ := strings.Cut(cursor, ".")
	t, err1 := strconv.ParseInt(us, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil {
		return eventPlace{}, fmt.Errorf("pgstore: query events: %w", sessiond.ErrBadCursor)
	}
	return eventPlace{time: time.UnixMicro(t), id: n}, nil
}

// eventQuery returns the statement for q, from after on when it is not
// nil, and its arguments: a condition for each field q sets, so that each
// combination is its own prepared statement with its own plan.
func (s *Store) eventQuery(q sessiond.EventQuery, after *eventPlace) (string, []any) {
	var (
		b     strings.Builder
		args  []any
		conds []string
	)
	b.WriteString(s.q.queryEvents)
	for _, c := range []struct{ column, value string }{
		{"user_id", q.UserID}, {"session_id", q.SessionID}, {"type", string(q.Type)},
	} {
		if c.value != "" {
			args = append(args, storable(c.value)) // as AppendEvent stored it
			conds = append(conds, c.column+" = $"+strconv.Itoa(len(args)))
		}
	}
	if after != nil {
		args = append(args, after.time, after.id)
		conds = append(conds, "(time, id) < ($"+strconv.Itoa(len(args)-1)+", $"+strconv.Itoa(len(args))+")")
	}
	if len(conds) > 0 {
		b.WriteString(" WHERE " + strings.Join(conds, " AND "))
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

// scanEvent decodes a row of queryEventsSQL, and puts its place in last.
func scanEvent(row pgx.CollectableRow, last *eventPlace) (sessiond.Event, error) {
	var (
		e   sessiond.Event
		typ string
	)
	err := row.Scan(&e.ID, &last.time, &typ, &e.UserID, &e.SessionID, &e.IP, &e.UserAgent, &e.Reason, &e.Actor, &last.id)
	e.Type, e.Time = sessiond.EventType(typ), last.time.UTC()
	return e, err
}
