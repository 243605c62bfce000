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
