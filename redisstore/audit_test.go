package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/redisstore"
)

// auditStore returns a store on the local Redis with cfg's audit
// settings, under a fresh prefix, and that prefix.
func auditStore(t *testing.T, cfg redisstore.Config) (*redisstore.Store, string) {
	c := local(t)
	prefix := testPrefix()
	newStoreAt(t, c, prefix) // deletes the prefix's keys when t ends
	cfg.Client, cfg.Prefix = c, prefix
	s, err := redisstore.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, prefix
}

// appendN appends n events of session sid.
func appendN(t *testing.T, s *redisstore.Store, n int, sid string) {
	t.Helper()
	for i := range n {
		e := sessiond.Event{ID: strconv.Itoa(i), Time: time.Now(), Type: sessiond.EventCreated, SessionID: sid}
		if err := s.AppendEvent(t.Context(), e); err != nil {
			t.Fatalf("AppendEvent: got error %v, want nil", err)
		}
	}
}

// streamLen is the length of the audit stream under prefix.
func streamLen(t *testing.T, prefix string) int64 {
	t.Helper()
	c := local(t)
	n, err := c.Do(t.Context(), c.B().Xlen().Key(prefix+"audit").Build()).AsInt64()
	if err != nil {
		t.Fatalf("XLEN: got error %v, want nil", err)
	}
	return n
}

// TestAuditRetention checks that the stream is trimmed by count and by
// age. Trimming is by whole stream nodes (100 entries by default), so the
// bounds are loose.
func TestAuditRetention(t *testing.T) {
	tests := []struct {
		name string
		cfg  redisstore.Config
	}{
		{"Count", redisstore.Config{AuditMaxEvents: 10}},
		{"Age", redisstore.Config{AuditRetention: time.Hour, Now: func() time.Time { return time.Now().Add(2 * time.Hour) }}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, prefix := auditStore(t, tc.cfg)
			appendN(t, s, 500, "s")
			n := streamLen(t, prefix)
			t.Logf("stream length after 500 events: %d", n)
			if n > 200 {
				t.Errorf("stream length: got %d after 500 events, want at most 200", n)
			}
		})
	}
}

// TestAuditScanLimit checks that QueryEvents stops after AuditScanLimit
// entries: an old match beyond it is not found, but is by following the
// cursors of QueryEventPage, and within a larger limit.
func TestAuditScanLimit(t *testing.T) {
	s, prefix := auditStore(t, redisstore.Config{AuditScanLimit: 50})
	appendN(t, s, 1, "old")
	appendN(t, s, 120, "new")
	q := sessiond.EventQuery{SessionID: "old"}
	if got, err := s.QueryEvents(t.Context(), q); len(got) != 0 || err != nil {
		t.Errorf("limit 50: got (%d events, %v), want (0, nil)", len(got), err)
	}
	found, cursor := 0, ""
	for pages := 1; ; pages++ {
		got, next, err := s.QueryEventPage(t.Context(), q, cursor)
		if err != nil || pages > 3 {
			t.Fatalf("page %d: got (%d events, %q, %v), want the old event by page 3", pages, len(got), next, err)
		}
		if found += len(got); next == "" {
			break
		}
		cursor = next
	}
	if found != 1 {
		t.Errorf("limit 50, following the cursors: got %d events, want 1", found)
	}
	wide, err := redisstore.New(redisstore.Config{Client: local(t), Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := wide.QueryEvents(t.Context(), q); len(got) != 1 || err != nil {
		t.Errorf("default limit: got (%d events, %v), want (1, nil)", len(got), err)
	}
}

// TestAuditTimes checks that event times come back exactly, in UTC, and
// that the zero time stays zero.
func TestAuditTimes(t *testing.T) {
	s, _ := auditStore(t, redisstore.Config{})
	for _, at := range []time.Time{
		time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.FixedZone("X", 3600)),
		{},
	} {
		sid := rand8()
		if err := s.AppendEvent(t.Context(), sessiond.Event{Time: at, SessionID: sid}); err != nil {
			t.Fatalf("AppendEvent: got error %v, want nil", err)
		}
		got, err := s.QueryEvents(context.Background(), sessiond.EventQuery{SessionID: sid})
		if err != nil || len(got) != 1 {
			t.Fatalf("QueryEvents: got (%d events, %v), want 1", len(got), err)
		}
		if !got[0].Time.Equal(at) || (!at.IsZero() && got[0].Time.Location() != time.UTC) {
			t.Errorf("time: got %v, want %v in UTC", got[0].Time, at)
		}
	}
}

// TestAuditWithoutActor reads an entry appended before events had an
// actor: its fields as they were, and no actor.
func TestAuditWithoutActor(t *testing.T) {
	s, prefix := auditStore(t, redisstore.Config{})
	c := local(t)
	add := c.B().Xadd().Key(prefix+"audit").Id("*").FieldValue().FieldValue("id", "e1").FieldValue("t", "1").
		FieldValue("type", "session.revoked").FieldValue("user", "alice").FieldValue("session", "s1").
		FieldValue("ip", "192.0.2.1").FieldValue("ua", "agent/1").FieldValue("reason", "logout").Build()
	if err := c.Do(t.Context(), add).Error(); err != nil {
		t.Fatalf("XADD: got error %v, want nil", err)
	}
	got, err := s.QueryEvents(t.Context(), sessiond.EventQuery{})
	if err != nil || len(got) != 1 {
		t.Fatalf("QueryEvents: got (%d events, %v), want 1", len(got), err)
	}
	want := sessiond.Event{ID: "e1", Time: time.Unix(0, 1).UTC(), Type: sessiond.EventRevoked, UserID: "alice",
		SessionID: "s1", IP: "192.0.2.1", UserAgent: "agent/1", Reason: "logout"}
	if got[0] != want {
		t.Errorf("QueryEvents: got %+v, want %+v", got[0], want)
	}
}
