package sessiond_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
)

// creatingStore is a memstore that counts its Create, AppendEvent and
// CreateWithEvents calls, and fails CreateWithEvents with fail.
type creatingStore struct {
	*memstore.Store
	fail error

	mu                             sync.Mutex
	creates, appends, withEventsOf int
}

func newCreatingStore() *creatingStore {
	return &creatingStore{Store: memstore.New(memstore.Config{})}
}

func (c *creatingStore) Create(ctx context.Context, rec *sessiond.Record) error {
	c.count(&c.creates)
	return c.Store.Create(ctx, rec)
}

func (c *creatingStore) AppendEvent(ctx context.Context, e sessiond.Event) error {
	c.count(&c.appends)
	return c.Store.AppendEvent(ctx, e)
}

func (c *creatingStore) CreateWithEvents(ctx context.Context, rec *sessiond.Record, events []sessiond.Event) error {
	c.count(&c.withEventsOf)
	if c.fail != nil {
		return c.fail
	}
	return c.Store.CreateWithEvents(ctx, rec, events)
}

func (c *creatingStore) count(n *int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	*n++
}

// calls returns the counts of Create, AppendEvent and CreateWithEvents.
func (c *creatingStore) calls() [3]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return [3]int{c.creates, c.appends, c.withEventsOf}
}

// storedEvents returns the events a keeps of session id.
func storedEvents(t *testing.T, a sessiond.AuditStore, id string) []sessiond.Event {
	t.Helper()
	events, err := a.QueryEvents(t.Context(), sessiond.EventQuery{SessionID: id})
	if err != nil {
		t.Fatalf("QueryEvents: got error %v, want nil", err)
	}
	return events
}

// TestLoginCreatesWithEvents checks that a login whose auditor keeps its
// events in the Manager's own store writes the session, its first data
// and its session.created event in one CreateWithEvents, and that the
// event still reaches the auditor's Next once; and that with the events
// kept elsewhere the login is a Create and an AppendEvent there.
func TestLoginCreatesWithEvents(t *testing.T) {
	for _, tc := range []struct {
		name      string
		elsewhere bool
		pending   bool
		want      [3]int // Create, AppendEvent, CreateWithEvents on the Manager's store
	}{
		{"SameStore", false, false, [3]int{0, 0, 1}},
		{"SameStorePending", false, true, [3]int{0, 0, 1}},
		{"OtherStore", true, false, [3]int{1, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newCreatingStore()
			var events sessiond.AuditStore = st
			if tc.elsewhere {
				events = memstore.New(memstore.Config{})
			}
			next := &auditLog{}
			m, err := sessiond.New(st, sessiond.Config{Auditor: sessiond.StoreAuditor{Store: events, Next: next}})
			if err != nil {
				t.Fatal(err)
			}
			s, _, err := m.LoginToken(t.Context(), sessiond.LoginInfo{
				UserID: "alice", Pending: tc.pending, Data: map[string]any{"v": "x"},
			})
			if err != nil {
				t.Fatalf("LoginToken: got error %v, want nil", err)
			}
			if got := st.calls(); got != tc.want {
				t.Errorf("Create, AppendEvent, CreateWithEvents: got %v, want %v", got, tc.want)
			}
			if v, ok := sessiond.Get[string](s, "v"); !ok || v != "x" || s.Version() != 1 {
				t.Errorf("session: got v %q (%t), version %d, want \"x\", version 1", v, ok, s.Version())
			}
			kept := storedEvents(t, events, s.ID())
			if len(kept) != 1 || kept[0].Type != sessiond.EventCreated || kept[0].UserID != "alice" || kept[0].ID == "" {
				t.Fatalf("kept events: got %+v, want one session.created of alice", kept)
			}
			if want := map[bool]string{true: sessiond.ReasonPending}[tc.pending]; kept[0].Reason != want {
				t.Errorf("kept event's reason: got %q, want %q", kept[0].Reason, want)
			}
			if len(next.events) != 1 || next.events[0] != kept[0] {
				t.Errorf("events passed on: got %+v, want %+v", next.events, kept[0])
			}
		})
	}
}

// TestLoginCreateWithEventsFails checks that a login whose one write
// fails fails closed, and leaves no event of the session it did not
// make, neither in the store nor passed on.
func TestLoginCreateWithEventsFails(t *testing.T) {
	st := newCreatingStore()
	st.fail = errors.New("backend down")
	next := &auditLog{}
	m, err := sessiond.New(st, sessiond.Config{Auditor: sessiond.StoreAuditor{Store: st, Next: next}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice"}); !errors.Is(err, st.fail) {
		t.Fatalf("LoginToken: got error %v, want %v", err, st.fail)
	}
	if got := storedEvents(t, st, ""); len(got) != 0 {
		t.Errorf("kept events: got %+v, want none", got)
	}
	if len(next.events) != 0 {
		t.Errorf("events passed on: got %+v, want none", next.events)
	}
	if got, err := st.ListUser(t.Context(), "alice"); len(got) != 0 || err != nil {
		t.Errorf("ListUser: got %d records (%v), want none", len(got), err)
	}
}
