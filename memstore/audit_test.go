package memstore

import (
	"fmt"
	"testing"

	"github.com/sessiond/sessiond"
)

func TestAudit_KeepsTheNewestUpToCapacity(t *testing.T) {
	s := New(Config{AuditCapacity: 3})
	defer s.Close()
	for i := range 5 {
		s.AppendEvent(t.Context(), sessiond.Event{ID: fmt.Sprint(i), UserID: "u"})
	}
	got, _ := s.QueryEvents(t.Context(), sessiond.EventQuery{UserID: "u"})
	var ids string
	for _, e := range got {
		ids += e.ID
	}
	if ids != "432" {
		t.Errorf("kept events %q, want the newest three, newest first: %q", ids, "432")
	}
}

// TestAudit_PagesEndWhereTheRingDoes pages through a ring that wraps:
// the pages end with the oldest event kept, and a cursor whose event the
// ring has let go since leads to no more.
func TestAudit_PagesEndWhereTheRingDoes(t *testing.T) {
	s := New(Config{AuditCapacity: 3})
	defer s.Close()
	for i := range 5 {
		s.AppendEvent(t.Context(), sessiond.Event{ID: fmt.Sprint(i)})
	}
	var ids, cursor, last string
	for range 10 {
		page, next, err := s.QueryEventPage(t.Context(), sessiond.EventQuery{Limit: 1}, cursor)
		if err != nil {
			t.Fatalf("QueryEventPage(%q): got error %v, want nil", cursor, err)
		}
		for _, e := range page {
			ids += e.ID
		}
		if next == "" {
			break
		}
		cursor, last = next, cursor
	}
	if ids != "432" {
		t.Errorf("pages of one: got %q, want %q", ids, "432")
	}
	for i := range 3 {
		s.AppendEvent(t.Context(), sessiond.Event{ID: fmt.Sprint(5 + i)})
	}
	if page, next, err := s.QueryEventPage(t.Context(), sessiond.EventQuery{}, last); len(page) != 0 || next != "" || err != nil {
		t.Errorf("a cursor past the ring: got (%v, %q, %v), want (none, \"\", nil)", page, next, err)
	}
}
