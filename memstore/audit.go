package memstore

import (
	"context"
	"slices"
	"strconv"

	"github.com/sessiond/sessiond"
)

// DefaultAuditCapacity is how many audit events a Store keeps by default.
const DefaultAuditCapacity = 10000

var (
	_ sessiond.AuditStore   = (*Store)(nil)
	_ sessiond.EventCreator = (*Store)(nil)
	_ sessiond.EventPager   = (*Store)(nil)
)

// auditLog keeps the newest events in a ring. The n-th event appended
// (from 1) is at index (n-1) % len(events), until the ring wraps over it.
type auditLog struct {
	events []sessiond.Event // ring of cap events
	seq    uint64           // how many events were ever appended
}

// AppendEvent keeps e. Past Config.AuditCapacity events, the oldest go.
// It never fails.
func (s *Store) AppendEvent(_ context.Context, e sessiond.Event) error {
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	s.appendLocked(e)
	return nil
}

// appendLocked keeps e; s.auditMu is held.
func (s *Store) appendLocked(e sessiond.Event) {
	a := &s.audit
	a.events[a.seq%uint64(len(a.events))] = e
	a.seq++
}

// QueryEvents returns the kept events q selects, newest first. It scans
// the ring: the memory store keeps few enough events for that.
func (s *Store) QueryEvents(ctx context.Context, q sessiond.EventQuery) ([]sessiond.Event, error) {
	events, _, err := s.QueryEventPage(ctx, q, "")
	return events, err
}

// QueryEventPage is QueryEvents from the place of cursor on; the cursor
// of a page is the number of its last event. It fails only for a cursor
// it did not make, with [sessiond.ErrBadCursor].
func (s *Store) QueryEventPage(_ context.Context, q sessiond.EventQuery, cursor string) ([]sessiond.Event, string, error) {
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	a := &s.audit
	from := a.seq // the number of the newest event to look at, from 1
	if cursor != "" {
		n, err := strconv.ParseUint(cursor, 10, 64)
		if err != nil || n == 0 || n > a.seq {
			return nil, "", sessiond.ErrBadCursor
		}
		from = n - 1
	}
	oldest := a.seq - min(a.seq, uint64(len(a.events))) // the last number the ring has let go
	var out []sessiond.Event
	for n := from; n > oldest; n-- {
		e := a.events[(n-1)%uint64(len(a.events))]
		if !q.Match(e) {
			continue
		}
		if out = append(out, e); len(out) == q.Max() {
			if n-1 > oldest {
				return slices.Clip(out), strconv.FormatUint(n, 10), nil
			}
			break
		}
	}
	return slices.Clip(out), "", nil
}
