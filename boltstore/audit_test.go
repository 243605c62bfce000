package boltstore_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/storetest"
)

// appendEvents keeps events and stops the test on an error.
func appendEvents(t *testing.T, s *boltstore.Store, events ...sessiond.Event) {
	t.Helper()
	for _, e := range events {
		if err := s.AppendEvent(t.Context(), e); err != nil {
			t.Fatalf("AppendEvent: got error %v, want nil", err)
		}
	}
}

// queryIDs returns the ids of the events q selects, in order.
func queryIDs(t *testing.T, s *boltstore.Store, q sessiond.EventQuery) string {
	t.Helper()
	events, err := s.QueryEvents(t.Context(), q)
	if err != nil {
		t.Fatalf("QueryEvents(%+v): got error %v, want nil", q, err)
	}
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return strings.Join(ids, " ")
}

// TestAuditRetention checks that Sweep removes events by age and by count,
// oldest first, with their index entries.
func TestAuditRetention(t *testing.T) {
	tests := []struct {
		name    string
		cfg     boltstore.Config
		advance time.Duration
		want    string // the ids kept, newest first
	}{
		{"KeepsAll", boltstore.Config{AuditRetention: time.Hour, AuditMaxEvents: 5}, 30 * time.Minute, "4 3 2 1 0"},
		{"ByAge", boltstore.Config{AuditRetention: time.Hour}, time.Hour - 150*time.Second, "4 3 2"},
		{"ByCount", boltstore.Config{AuditMaxEvents: 2}, 0, "4 3"},
		{"DefaultAge", boltstore.Config{}, boltstore.DefaultAuditRetention - 90*time.Second, "4 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			tc.cfg.Path, tc.cfg.Now = dbPath(t), c.Now
			s := open(t, tc.cfg)
			for i := range 5 { // a minute apart, the newest at the clock's time
				at := c.Now().Add(time.Duration(i-4) * time.Minute)
				appendEvents(t, s, sessiond.Event{ID: fmt.Sprint(i), Time: at, Type: sessiond.EventCreated, UserID: "alice", SessionID: fmt.Sprint("s", i%2)})
			}
			c.Advance(tc.advance)
			sweep(t, s, 0)
			for _, q := range []sessiond.EventQuery{{}, {UserID: "alice"}, {Type: sessiond.EventCreated}} {
				if got := queryIDs(t, s, q); got != tc.want {
					t.Errorf("QueryEvents(%+v): got %q, want %q", q, got, tc.want)
				}
			}
			wantConsistent(t, s)
		})
	}
}

// TestAuditPruneManyChunks keeps more events than one pruning transaction
// removes, then prunes to a few.
func TestAuditPruneManyChunks(t *testing.T) {
	c := newClock()
	s := open(t, boltstore.Config{Path: dbPath(t), Now: c.Now, AuditMaxEvents: 3})
	inOneBatch(t, s, 2500, func(i int) error {
		return s.AppendEvent(t.Context(), sessiond.Event{ID: fmt.Sprint(i), Time: c.Now().Add(time.Duration(i) * time.Millisecond), UserID: "u"})
	})
	sweep(t, s, 0)
	if got, want := queryIDs(t, s, sessiond.EventQuery{UserID: "u"}), "2499 2498 2497"; got != want {
		t.Errorf("QueryEvents: got %q, want %q", got, want)
	}
	wantConsistent(t, s)
}

// TestAuditQuery checks the selection on ids that could confuse an index
// made of joined keys, events stored out of time order, and the limit.
func TestAuditQuery(t *testing.T) {
	s, c := newStore(t)
	base := c.Now()
	users := []string{"a", "a\x00", "a\x00b", "ab", "\x01a"}
	var events []sessiond.Event
	for i, u := range users {
		events = append(events, sessiond.Event{ID: u, Time: base.Add(time.Duration(i) * time.Second), UserID: u, SessionID: u, Type: sessiond.EventType(u)})
	}
	events = append(events, sessiond.Event{ID: "early", Time: base.Add(-time.Hour), UserID: "a", Type: sessiond.EventRevoked})
	appendEvents(t, s, events...)
	for _, u := range users {
		want := u
		if u == "a" {
			want = "a early"
		}
		for _, q := range []sessiond.EventQuery{{UserID: u}, {UserID: u, Limit: 5000}} {
			if got := queryIDs(t, s, q); got != want {
				t.Errorf("QueryEvents(user %q, limit %d): got %q, want %q", q.UserID, q.Limit, got, want)
			}
		}
		if got := queryIDs(t, s, sessiond.EventQuery{SessionID: u, Type: sessiond.EventType(u)}); got != u {
			t.Errorf("QueryEvents(session and type %q): got %q, want %q", u, got, u)
		}
	}
	if got, want := queryIDs(t, s, sessiond.EventQuery{Limit: 3}), "\x01a ab a\x00b"; got != want {
		t.Errorf("QueryEvents(Limit 3): got %q, want %q", got, want)
	}
	if got := queryIDs(t, s, sessiond.EventQuery{UserID: "a", Type: sessiond.EventRevoked}); got != "early" {
		t.Errorf("QueryEvents(user a, revoked): got %q, want %q", got, "early")
	}
	wantConsistent(t, s)
}

// TestAuditDefaultLimit checks that a query returns at most the default
// limit when it sets none, and at most MaxEventLimit.
func TestAuditDefaultLimit(t *testing.T) {
	s, c := newStore(t)
	inOneBatch(t, s, sessiond.MaxEventLimit+10, func(i int) error {
		return s.AppendEvent(t.Context(), sessiond.Event{ID: fmt.Sprint(i), Time: c.Now().Add(time.Duration(i)), UserID: "u"})
	})
	for _, q := range []sessiond.EventQuery{{UserID: "u"}, {UserID: "u", Limit: 1 << 20}} {
		events, err := s.QueryEvents(t.Context(), q)
		if err != nil || len(events) != q.Max() {
			t.Fatalf("QueryEvents(limit %d): got %d events, %v; want %d", q.Limit, len(events), err, q.Max())
		}
		if !slices.IsSortedFunc(events, func(a, b sessiond.Event) int { return b.Time.Compare(a.Time) }) {
			t.Errorf("QueryEvents(limit %d): not newest first", q.Limit)
		}
	}
}

// TestDeleteAllKeepsEvents deletes every record of users whose sessions
// and events share the per-user index, some with only one of the two:
// the sessions go, every event stays where queries find it.
func TestDeleteAllKeepsEvents(t *testing.T) {
	s, c := newStore(t)
	ctx := t.Context()
	users := []string{"a", "a\x00", "a\x00b", "ab", "\x01a"}
	var created int
	for i, u := range users {
		for j := range i % 3 { // "a" and "ab" have no sessions
			rec := storetest.NewRecord(u)
			mustCreate(t, s, rec)
			created++
			appendEvents(t, s, sessiond.Event{ID: fmt.Sprint(u, j), Time: c.Now().Add(time.Duration(created) * time.Second), UserID: u, SessionID: rec.ID})
		}
		if i != 2 { // "a\x00b" has no events but those of its sessions
			appendEvents(t, s, sessiond.Event{ID: u, Time: c.Now(), UserID: u})
		}
	}
	mustCreate(t, s, storetest.NewRecord(""))
	before := make(map[string]string)
	for _, u := range users {
		before[u] = queryIDs(t, s, sessiond.EventQuery{UserID: u})
	}
	if n, err := s.DeleteAll(ctx); err != nil || n != created+1 {
		t.Fatalf("DeleteAll: got %d, %v; want %d, nil", n, err, created+1)
	}
	for _, u := range users {
		if recs, err := s.ListUser(ctx, u); err != nil || len(recs) != 0 {
			t.Errorf("ListUser(%q) after DeleteAll: got %d records, %v; want none", u, len(recs), err)
		}
		if got := queryIDs(t, s, sessiond.EventQuery{UserID: u}); got != before[u] || got == "" {
			t.Errorf("QueryEvents(user %q) after DeleteAll: got %q, want %q", u, got, before[u])
		}
	}
	wantConsistent(t, s)
}
