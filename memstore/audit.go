package memstore

import (
	"context"
	"slices"

	"github.com/sessiond/sessiond"
)

// DefaultAuditCapacity is how many audit events a Store keeps by default.
const DefaultAuditCapacity = 10000

var _ sessiond.AuditStore = (*Store)(nil)

// auditLog keeps the newest events in a ring.
type auditLog struct {
	events []sessiond.Event // ring of cap events
	next   int              // where the next event goes
	full   bool
}

// AppendEvent keeps e. Past Config.AuditCapacity events, the oldest go.
// It never fails.
func (s *Store) AppendEvent(_ context.Context, e sessiond.Event) error {
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	a := &s.audit
	a.events[a.next] = e
	a.next = (a.next + 1) % len(a.events)
	a.full = a.full || a.next == 0
	return nil
}

// QueryEvents returns the kept events q selects, newest first. It scans
// the ring: the memory store keeps few enough events for that.
func (s *Store) QueryEvents(_ context.Context, q sessiond.EventQuery) ([]sessiond.Event, error) {
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	a := &s.audit
	n := a.next
	if a.full {
		n = len(a.events)
	}
	var out []sessiond.Event
	for i := 1; i <= n && len(out) < q.Max(); i++ {
		e := a.events[(a.next-i+len(a.events))%len(a.events)]
		if q.Match(e) {
			out = append(out, e)
		}
	}
	return slices.Clip(out), nil
}
