package pgstore_test

import (
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
)

// TestAuditUnstorableText keeps events whose text PostgreSQL could not
// store as it is, such as a client's User-Agent with invalid UTF-8 or a
// NUL byte: each bad run becomes U+FFFD, and the event is not lost.
func TestAuditUnstorableText(t *testing.T) {
	s := newStore(t, testPool(t), pgstore.Config{})
	tests := []struct {
		name, ua, want string
	}{
		{"Valid", "agent/1 ü", "agent/1 ü"},
		{"InvalidUTF8", "agent\xff\xfe/1", "agent\uFFFD/1"},
		{"NUL", "agent\x00/1", "agent\uFFFD/1"},
		{"ClippedRune", "agent ü"[:7], "agent \uFFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			session := "s-" + tc.name
			e := sessiond.Event{ID: "e", Time: time.Now().UTC(), Type: sessiond.EventAnomaly, SessionID: session, UserAgent: tc.ua}
			if err := s.AppendEvent(t.Context(), e); err != nil {
				t.Fatalf("AppendEvent: got error %v, want nil", err)
			}
			got, err := s.QueryEvents(t.Context(), sessiond.EventQuery{SessionID: session})
			if err != nil || len(got) != 1 {
				t.Fatalf("QueryEvents: got %d events and error %v, want 1 and nil", len(got), err)
			}
			if got[0].UserAgent != tc.want {
				t.Errorf("UserAgent: got %q, want %q", got[0].UserAgent, tc.want)
			}
		})
	}
}
