package storetest

import (
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// auditTests check a store that is also a sessiond.AuditStore.
var auditTests = []test{
	{"RoundTrip", testAuditRoundTrip},
	{"Query", testAuditQuery},
	{"Limit", testAuditLimit},
	{"Pages", testAuditPages},
	{"BadCursor", testAuditBadCursor},
}

// auditStore returns a fresh store from h as an AuditStore, or skips.
func (h Harness) auditStore(t *testing.T) sessiond.AuditStore {
	t.Helper()
	return capability[sessiond.AuditStore](t, h.store(t))
}

// event returns an event for user and session at the i-th second from base.
func event(base time.Time, i int, typ sessiond.EventType, user, session string) sessiond.Event {
	return sessiond.Event{
		ID: rand.Text(), Time: base.Add(time.Duration(i) * time.Second), Type: typ,
		UserID: user, SessionID: session, IP: "192.0.2.7", UserAgent: "agent/1", Reason: "why",
		Actor: "operator:root",
	}
}

// appendEvents keeps every event and stops the test on an error.
func appendEvents(t *testing.T, a sessiond.AuditStore, events ...sessiond.Event) {
	t.Helper()
	for _, e := range events {
		if err := a.AppendEvent(t.Context(), e); err != nil {
			t.Fatalf("AppendEvent: got error %v, want nil", err)
		}
	}
}

// query runs q and stops the test on an error.
func query(t *testing.T, a sessiond.AuditStore, q sessiond.EventQuery) []sessiond.Event {
	t.Helper()
	got, err := a.QueryEvents(t.Context(), q)
	if err != nil {
		t.Fatalf("QueryEvents(%+v): got error %v, want nil", q, err)
	}
	return got
}

// testAuditRoundTrip keeps one event and reads it back whole.
func testAuditRoundTrip(t *testing.T, h Harness) {
	a := h.auditStore(t)
	want := event(now(), 0, sessiond.EventRevoked, randomUser(), rand.Text())
	appendEvents(t, a, want)
	got := query(t, a, sessiond.EventQuery{SessionID: want.SessionID})
	if len(got) != 1 {
		t.Fatalf("QueryEvents: got %d events, want 1", len(got))
	}
	g := got[0]
	if g.ID != want.ID || !g.Time.Equal(want.Time) || g.Type != want.Type || g.UserID != want.UserID ||
		g.SessionID != want.SessionID || g.IP != want.IP || g.UserAgent != want.UserAgent || g.Reason != want.Reason ||
		g.Actor != want.Actor {
		t.Errorf("QueryEvents: got %+v, want %+v", g, want)
	}
}

// testAuditQuery selects by user, session and type, newest first.
func testAuditQuery(t *testing.T, h Harness) {
	a := h.auditStore(t)
	base := now()
	alice, bob, s1, s2 := randomUser(), randomUser(), rand.Text(), rand.Text()
	appendEvents(t, a,
		event(base, 0, sessiond.EventCreated, alice, s1),
		event(base, 1, sessiond.EventRotated, alice, s1),
		event(base, 2, sessiond.EventCreated, alice, s2),
		event(base, 3, sessiond.EventCreated, bob, rand.Text()),
		event(base, 4, sessiond.EventRevoked, alice, s1),
	)
	cases := []struct {
		name  string
		q     sessiond.EventQuery
		times []int // the seconds of the events wanted, in order
	}{
		{"user", sessiond.EventQuery{UserID: alice}, []int{4, 2, 1, 0}},
		{"session", sessiond.EventQuery{SessionID: s1}, []int{4, 1, 0}},
		{"user and type", sessiond.EventQuery{UserID: alice, Type: sessiond.EventCreated}, []int{2, 0}},
		{"other user", sessiond.EventQuery{UserID: bob}, []int{3}},
		{"nobody", sessiond.EventQuery{UserID: randomUser()}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := query(t, a, c.q)
			if len(got) != len(c.times) {
				t.Fatalf("got %d events, want %d", len(got), len(c.times))
			}
			for i, e := range got {
				if want := base.Add(time.Duration(c.times[i]) * time.Second); !e.Time.Equal(want) {
					t.Errorf("event %d: got time %v, want %v", i, e.Time, want)
				}
			}
		})
	}
}

// testAuditLimit returns at most Limit events, the newest.
func testAuditLimit(t *testing.T, h Harness) {
	a := h.auditStore(t)
	base, user := now(), randomUser()
	for i := range 5 {
		appendEvents(t, a, event(base, i, sessiond.EventCreated, user, rand.Text()))
	}
	got := query(t, a, sessiond.EventQuery{UserID: user, Limit: 2})
	if len(got) != 2 || !got[0].Time.Equal(base.Add(4*time.Second)) || !got[1].Time.Equal(base.Add(3*time.Second)) {
		t.Errorf("Limit 2: got %d events %v, want the newest two", len(got), got)
	}
}

// pager returns a fresh store from h as an AuditStore and EventPager, or
// skips.
func (h Harness) pager(t *testing.T) (sessiond.AuditStore, sessiond.EventPager) {
	t.Helper()
	a := h.auditStore(t)
	return a, capability[sessiond.EventPager](t, a)
}

// testAuditPages reads a user's events in pages of 1 to 4, each page going
// on where the one before left off, past the events of another user.
func testAuditPages(t *testing.T, h Harness) {
	a, p := h.pager(t)
	base, user, other := now(), randomUser(), randomUser()
	var want []string // newest first
	for i := range 7 {
		e := event(base, 2*i, sessiond.EventCreated, user, rand.Text())
		appendEvents(t, a, e, event(base, 2*i+1, sessiond.EventCreated, other, rand.Text()))
		want = append([]string{e.ID}, want...)
	}
	for limit := 1; limit <= 4; limit++ {
		q := sessiond.EventQuery{UserID: user, Limit: limit}
		var got []string
		cursor := ""
		for range 100 {
			page, next, err := p.QueryEventPage(t.Context(), q, cursor)
			if err != nil {
				t.Fatalf("QueryEventPage(limit %d, %q): got error %v, want nil", limit, cursor, err)
			}
			if len(page) > limit {
				t.Fatalf("QueryEventPage(limit %d): got %d events, want at most %d", limit, len(page), limit)
			}
			for _, e := range page {
				got = append(got, e.ID)
			}
			if cursor = next; next == "" {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: got ids %v, want %v", limit, got, want)
		}
	}
}

// testAuditBadCursor sends cursors the store did not make.
func testAuditBadCursor(t *testing.T, h Harness) {
	_, p := h.pager(t)
	for _, c := range []string{"x", "-", "¿?", "\x00", strings.Repeat("9", 400)} {
		if _, _, err := p.QueryEventPage(t.Context(), sessiond.EventQuery{}, c); !errors.Is(err, sessiond.ErrBadCursor) {
			t.Errorf("QueryEventPage(%q): got error %v, want ErrBadCursor", c, err)
		}
	}
}
