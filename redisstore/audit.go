package redisstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
)

// auditBatch is how many events QueryEvents reads per round trip.
const auditBatch = 500

// AppendEvent adds e to the audit stream, and in the same round trip trims
// the stream to about Config.AuditMaxEvents events and drops those older
// than Config.AuditRetention (both by whole stream nodes, so cheaply and
// approximately). Stream entry ids come from the server's clock; the
// retention cut-off from Config.Now.
func (s *Store) AppendEvent(ctx context.Context, e sessiond.Event) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.write(ctx, s.eventCalls([]sessiond.Event{e})...)
	return wrap("append event", err)
}

// eventCalls are the writes that add events to the audit stream and
// trim it, as AppendEvent does; none for no events.
func (s *Store) eventCalls(events []sessiond.Event) []call {
	if len(events) == 0 {
		return nil
	}
	k := s.k.audit()
	calls := make([]call, 0, len(events)+1)
	for _, e := range events {
		add := s.c.B().Xadd().Key(k).Maxlen().Almost().Threshold(strconv.FormatInt(s.cfg.AuditMaxEvents, 10)).Id("*").FieldValue().
			FieldValue("id", e.ID).FieldValue("t", eventTime(e.Time)).FieldValue("type", string(e.Type)).
			FieldValue("user", e.UserID).FieldValue("session", e.SessionID).FieldValue("ip", e.IP).
			FieldValue("ua", e.UserAgent).FieldValue("reason", e.Reason).FieldValue("actor", e.Actor).Build()
		calls = append(calls, call{key: k, cmd: add})
	}
	cut := s.cfg.Now().Add(-s.cfg.AuditRetention).UnixMilli()
	return append(calls, call{key: k, cmd: s.c.B().Xtrim().Key(k).Minid().Almost().Threshold(strconv.FormatInt(cut, 10)).Build()})
}

// QueryEvents returns the events q selects, newest first. It reads the
// stream backwards from its newest entry, auditBatch entries a round
// trip, until it has q.Max() matches, reaches the oldest entry, or has
// read Config.AuditScanLimit entries: the cost grows with how far back the
// matches lie, and matches older than the scan limit are not found.
func (s *Store) QueryEvents(ctx context.Context, q sessiond.EventQuery) ([]sessiond.Event, error) {
	events, _, err := s.QueryEventPage(ctx, q, "")
	return events, err
}

// QueryEventPage is QueryEvents from the place of cursor on, the id of
// the last stream entry read for the page before. A page that stops at
// Config.AuditScanLimit entries has a cursor too, short as it may be, so
// that a reader can go on looking further back.
func (s *Store) QueryEventPage(ctx context.Context, q sessiond.EventQuery, cursor string) ([]sessiond.Event, string, error) {
	end := "+"
	if cursor != "" {
		if !isStreamID(cursor) {
			return nil, "", wrap("query events", sessiond.ErrBadCursor)
		}
		end = "(" + cursor
	}
	var out []sessiond.Event
	for scanned := 0; scanned < s.cfg.AuditScanLimit; {
		n := min(auditBatch, s.cfg.AuditScanLimit-scanned)
		entries, err := s.readEvents(ctx, end, n)
		if err != nil {
			return nil, "", wrap("query events", err)
		}
		for _, x := range entries {
			if e := event(x.FieldValues); q.Match(e) {
				if out = append(out, e); len(out) == q.Max() {
					return out, x.ID, nil
				}
			}
		}
		if len(entries) < n {
			return out, "", nil
		}
		scanned += len(entries)
		end = "(" + entries[len(entries)-1].ID
	}
	return out, end[1:], nil
}

// isStreamID reports whether s is a stream entry id: two decimal numbers
// joined by a dash.
func isStreamID(s string) bool {
	ms, seq, ok := strings.Cut(s, "-")
	_, err1 := strconv.ParseUint(ms, 10, 64)
	_, err2 := strconv.ParseUint(seq, 10, 64)
	return ok && err1 == nil && err2 == nil
}

// readEvents reads up to n stream entries from end backwards, within
// Config.Timeout.
func (s *Store) readEvents(ctx context.Context, end string, n int) ([]rueidis.XRangeEntry, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cmd := s.c.B().Xrevrange().Key(s.k.audit()).End(end).Start("-").Count(int64(n)).Build()
	return s.c.Do(ctx, cmd).AsXRange()
}

// event is the event a stream entry holds. An entry appended before
// events had an actor has no "actor" field, and the event no actor.
func event(f map[string]string) sessiond.Event {
	return sessiond.Event{
		ID: f["id"], Time: parseEventTime(f["t"]), Type: sessiond.EventType(f["type"]),
		UserID: f["user"], SessionID: f["session"], IP: f["ip"], UserAgent: f["ua"], Reason: f["reason"],
		Actor: f["actor"],
	}
}

// eventTime formats t as Unix nanoseconds; the zero time is empty.
func eventTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

// parseEventTime reads what eventTime wrote, in UTC.
func parseEventTime(s string) time.Time {
	ns, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}
