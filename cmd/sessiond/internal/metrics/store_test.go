package metrics

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/storetest"
)

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// TestStore_Conformance runs the store conformance suite on a timed
// memstore: the wrapper must change nothing a store does.
func TestStore_Conformance(t *testing.T) {
	var mu sync.Mutex
	inner := map[sessiond.Store]*memstore.Store{}
	clocks := map[sessiond.Store]*clock{}
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) sessiond.Store {
			c := fakeclock.New(time.Now())
			ms := memstore.New(memstore.Config{Now: c.Now, SweepInterval: time.Hour})
			s := New().Store(ms, "memory", nil)
			t.Cleanup(func() { s.(io.Closer).Close() })
			mu.Lock()
			defer mu.Unlock()
			inner[s], clocks[s] = ms, c
			return s
		},
		Advance: func(t *testing.T, s sessiond.Store, d time.Duration) {
			mu.Lock()
			ms, c := inner[s], clocks[s]
			mu.Unlock()
			c.Advance(d)
			ms.Sweep(t.Context())
		},
	})
}

// bare is a store with no optional interface.
type bare struct{ sessiond.Store }

// withAudit is a store that keeps audit events.
type withAudit struct {
	sessiond.Store
	sessiond.AuditStore
}

// withWatcher is a store with a sweeper.
type withWatcher struct {
	sessiond.Store
	sessiond.ExpiryWatcher
}

// closing is a store that is an io.Closer and counts closes.
type closing struct {
	sessiond.Store
	closed int
}

func (c *closing) Close() error { c.closed++; return nil }

func TestStore_KeepsOptionalInterfaces(t *testing.T) {
	t.Parallel()
	ms := memstore.New(memstore.Config{})
	t.Cleanup(func() { ms.Close() })
	for _, tc := range []struct {
		name           string
		store          sessiond.Store
		audit, watcher bool
	}{
		{"bare", bare{ms}, false, false},
		{"audit", withAudit{ms, ms}, true, false},
		{"watcher", withWatcher{ms, ms}, false, true},
		{"both", ms, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New().Store(tc.store, "memory", nil)
			if _, ok := s.(sessiond.AuditStore); ok != tc.audit {
				t.Errorf("AuditStore: got %v, want %v", ok, tc.audit)
			}
			if _, ok := s.(sessiond.ExpiryWatcher); ok != tc.watcher {
				t.Errorf("ExpiryWatcher: got %v, want %v", ok, tc.watcher)
			}
			if _, ok := s.(io.Closer); !ok {
				t.Errorf("io.Closer: got false, want true")
			}
		})
	}
}

func TestStore_CloseGoesThrough(t *testing.T) {
	t.Parallel()
	ms := memstore.New(memstore.Config{})
	t.Cleanup(func() { ms.Close() })
	c := &closing{Store: ms}
	if err := New().Store(c, "memory", nil).(io.Closer).Close(); err != nil || c.closed != 1 {
		t.Errorf("Close: got err %v and %d closes, want nil and 1", err, c.closed)
	}
	if err := New().Store(bare{ms}, "memory", nil).(io.Closer).Close(); err != nil {
		t.Errorf("Close of a store that is no Closer: got %v, want nil", err)
	}
}

// TestStore_TimesEachCall checks that each call lands in its op's
// histogram and in no other.
func TestStore_TimesEachCall(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rec := storetest.NewRecord("u1")
	for _, tc := range []struct {
		op   string
		call func(s sessiond.Store) error
	}{
		{"create", func(s sessiond.Store) error { return s.Create(ctx, rec) }},
		{"get", func(s sessiond.Store) error { _, _, err := s.Get(ctx, rec.ID); return err }},
		{"find", func(s sessiond.Store) error { _, _, err := s.Find(ctx, rec.TokenHash); return err }},
		{"update", func(s sessiond.Store) error { return s.Update(ctx, rec, rec.Version) }},
		{"touch", func(s sessiond.Store) error { return s.Touch(ctx, rec.ID, time.Now(), time.Now()) }},
		{"delete", func(s sessiond.Store) error { return s.Delete(ctx, rec.ID) }},
		{"delete", func(s sessiond.Store) error {
			return s.(sessiond.BatchDeleter).DeleteMany(ctx, []string{rec.ID, "other"})
		}},
		{"list_user", func(s sessiond.Store) error { _, err := s.ListUser(ctx, "u1"); return err }},
		{"list_all", func(s sessiond.Store) error {
			_, err := s.(sessiond.SessionLister).ListAll(ctx, sessiond.ListPosition{}, 10)
			return err
		}},
		{"delete_all", func(s sessiond.Store) error { _, err := s.DeleteAll(ctx); return err }},
		{"append_event", func(s sessiond.Store) error {
			return s.(sessiond.AuditStore).AppendEvent(ctx, sessiond.Event{ID: "e1", Type: sessiond.EventCreated})
		}},
		{"query_events", func(s sessiond.Store) error {
			_, err := s.(sessiond.AuditStore).QueryEvents(ctx, sessiond.EventQuery{})
			return err
		}},
		{"query_events", func(s sessiond.Store) error {
			_, _, err := s.(sessiond.EventPager).QueryEventPage(ctx, sessiond.EventQuery{}, "")
			return err
		}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			m := New()
			ms := memstore.New(memstore.Config{})
			t.Cleanup(func() { ms.Close() })
			tc.call(m.Store(ms, "memory", nil)) // the outcome does not matter: every call is timed
			for _, op := range storeOps {
				want := uint64(0)
				if op == tc.op {
					want = 1
				}
				if got := samples(t, m, op); got != want {
					t.Errorf("op %q: got %d samples, want %d", op, got, want)
				}
			}
		})
	}
}

// TestStore_ListsAndPagesOnlyThroughTheStore checks that the wrapper of a
// store that cannot list sessions or page through events says so.
func TestStore_ListsAndPagesOnlyThroughTheStore(t *testing.T) {
	t.Parallel()
	ms := memstore.New(memstore.Config{})
	t.Cleanup(func() { ms.Close() })
	s := New().Store(withAudit{ms, ms}, "memory", nil) // the interfaces hide the others

	if _, err := s.(sessiond.SessionLister).ListAll(t.Context(), sessiond.ListPosition{}, 10); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("ListAll: got %v, want ErrUnsupported", err)
	}
	if _, _, err := s.(sessiond.EventPager).QueryEventPage(t.Context(), sessiond.EventQuery{}, ""); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("QueryEventPage: got %v, want ErrUnsupported", err)
	}
}

// TestStore_ForwardsOnExpire checks that a sweep of the inner store
// reaches a callback registered through the wrapper.
func TestStore_ForwardsOnExpire(t *testing.T) {
	t.Parallel()
	c := fakeclock.New(time.Now())
	ms := memstore.New(memstore.Config{Now: c.Now, SweepInterval: time.Hour})
	t.Cleanup(func() { ms.Close() })
	s := New().Store(ms, "memory", nil)
	var got []string
	s.(sessiond.ExpiryWatcher).OnExpire(func(_ context.Context, rec *sessiond.Record) {
		got = append(got, rec.ID)
	})
	rec := storetest.NewRecord("u1")
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	c.Advance(48 * time.Hour)
	ms.Sweep(t.Context())
	if len(got) != 1 || got[0] != rec.ID {
		t.Errorf("expired: got %v, want [%s]", got, rec.ID)
	}
}

// TestStore_ManagerCountsSweptSessions checks the whole chain: a Manager
// on a timed store registers its expiry callback through the wrapper, so
// that a session the sweeper removes is counted as expired.
func TestStore_ManagerCountsSweptSessions(t *testing.T) {
	t.Parallel()
	c := fakeclock.New(time.Now())
	ms := memstore.New(memstore.Config{Now: c.Now, SweepInterval: time.Hour})
	t.Cleanup(func() { ms.Close() })
	met := New()
	m, err := sessiond.New(met.Store(ms, "memory", nil), sessiond.Config{Now: c.Now, Auditor: met.Auditor(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "u1"}); err != nil {
		t.Fatal(err)
	}
	c.Advance(24 * time.Hour)
	ms.Sweep(t.Context())
	if got := count(t, met, "sessions_expired_total", "", ""); got != 1 {
		t.Errorf("sessions_expired_total: got %v, want 1", got)
	}
	if got := count(t, met, "sessions_created_total", "", ""); got != 1 {
		t.Errorf("sessions_created_total: got %v, want 1", got)
	}
}

// writes counts the create calls that reach a store.
type writes struct {
	*memstore.Store
	create, createWithEvents, appendEvent int
}

func (w *writes) Create(ctx context.Context, rec *sessiond.Record) error {
	w.create++
	return w.Store.Create(ctx, rec)
}

func (w *writes) CreateWithEvents(ctx context.Context, rec *sessiond.Record, events []sessiond.Event) error {
	w.createWithEvents++
	return w.Store.CreateWithEvents(ctx, rec, events)
}

func (w *writes) AppendEvent(ctx context.Context, e sessiond.Event) error {
	w.appendEvent++
	return w.Store.AppendEvent(ctx, e)
}

// TestStore_LoginIsOneWrite checks that the wrappers keep a login one
// store write, as the service wires them: a Manager on the timed store,
// with the counting auditor around a StoreAuditor on that same store,
// creates the session and keeps its session.created event with one
// CreateWithEvents, counts the event once and keeps it.
func TestStore_LoginIsOneWrite(t *testing.T) {
	inner := &writes{Store: memstore.New(memstore.Config{})}
	met := New()
	store := met.Store(inner, "memory", nil)
	m, err := sessiond.New(store, sessiond.Config{Auditor: met.Auditor(sessiond.StoreAuditor{Store: store.(sessiond.AuditStore)})})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice"}); err != nil {
		t.Fatal(err)
	}
	if inner.createWithEvents != 1 || inner.create != 0 || inner.appendEvent != 0 {
		t.Errorf("a login made %d CreateWithEvents, %d Create and %d AppendEvent calls, want one CreateWithEvents alone",
			inner.createWithEvents, inner.create, inner.appendEvent)
	}
	if got := count(t, met, "sessions_created_total", "", ""); got != 1 {
		t.Errorf("sessions_created_total: got %v, want 1", got)
	}
	if got := samples(t, met, "create"); got != 1 {
		t.Errorf("create timings: got %d, want 1", got)
	}
	events, err := inner.QueryEvents(t.Context(), sessiond.EventQuery{Type: sessiond.EventCreated})
	if err != nil || len(events) != 1 {
		t.Errorf("session.created events kept: got %d, %v; want 1", len(events), err)
	}
}

// TestStore_DeleteManyWithoutBatches checks that the wrapper of a store
// that cannot delete in batches deletes each id with a Delete of its own,
// each timed.
func TestStore_DeleteManyWithoutBatches(t *testing.T) {
	ms := memstore.New(memstore.Config{})
	t.Cleanup(func() { ms.Close() })
	m := New()
	s := m.Store(bare{ms}, "memory", nil)
	a, b := storetest.NewRecord("u1"), storetest.NewRecord("u1")
	for _, rec := range []*sessiond.Record{a, b} {
		if err := s.Create(t.Context(), rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.(sessiond.BatchDeleter).DeleteMany(t.Context(), []string{a.ID, b.ID}); err != nil {
		t.Fatalf("DeleteMany: %v", err)
	}
	if recs, err := ms.ListUser(t.Context(), "u1"); len(recs) != 0 || err != nil {
		t.Errorf("after DeleteMany: got (%d records, %v), want none", len(recs), err)
	}
	if got := samples(t, m, "delete"); got != 2 {
		t.Errorf("delete timings: got %d, want 2, one a Delete", got)
	}
}
