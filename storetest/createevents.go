package storetest

import (
	"testing"

	"github.com/sessiond/sessiond"
)

// createWithEventsTests check CreateWithEvents of stores that are a
// [sessiond.EventCreator]; they are skipped for the others.
var createWithEventsTests = []test{
	{"Stored", testCreateWithEventsStored},
	{"NoEvents", testCreateWithEventsNone},
	{"DuplicateID", testCreateWithEventsDuplicateID},
	{"DuplicateHash", testCreateWithEventsDuplicateHash},
}

// eventCreator returns a fresh store from h as an EventCreator and an
// AuditStore, or skips.
func (h Harness) eventCreator(t *testing.T) (sessiond.Store, sessiond.EventCreator, sessiond.AuditStore) {
	t.Helper()
	s := h.store(t)
	ec := capability[sessiond.EventCreator](t, s)
	a, ok := s.(sessiond.AuditStore)
	if !ok {
		t.Fatal("the store is a sessiond.EventCreator but not a sessiond.AuditStore")
	}
	return s, ec, a
}

// createdEvents returns two events of rec's creation, a second apart.
func createdEvents(rec *sessiond.Record) []sessiond.Event {
	return []sessiond.Event{
		event(now(), 0, sessiond.EventCreated, rec.UserID, rec.ID),
		event(now(), 1, sessiond.EventLoginSucceeded, rec.UserID, rec.ID),
	}
}

// wantEvents checks that the events of session id are want, newest first.
func wantEvents(t *testing.T, a sessiond.AuditStore, id string, want ...sessiond.Event) {
	t.Helper()
	got := query(t, a, sessiond.EventQuery{SessionID: id})
	if len(got) != len(want) {
		t.Fatalf("QueryEvents(session %s): got %d events, want %d", id, len(got), len(want))
	}
	for i, g := range got {
		w := want[len(want)-1-i]
		if g.ID != w.ID || !g.Time.Equal(w.Time) || g.Type != w.Type || g.UserID != w.UserID ||
			g.SessionID != w.SessionID || g.IP != w.IP || g.UserAgent != w.UserAgent || g.Reason != w.Reason ||
			g.Actor != w.Actor {
			t.Errorf("QueryEvents: event %d: got %+v, want %+v", i, g, w)
		}
	}
}

// testCreateWithEventsStored stores a record with two events and reads
// back both, and the record by id, hash and user.
func testCreateWithEventsStored(t *testing.T, h Harness) {
	s, ec, a := h.eventCreator(t)
	rec := fullRecord(randomUser())
	events := createdEvents(rec)
	if err := ec.CreateWithEvents(t.Context(), rec, events); err != nil {
		t.Fatalf("CreateWithEvents: got error %v, want nil", err)
	}
	wantEqual(t, "Get", mustGet(t, s, rec.ID), rec)
	wantEqual(t, "Find", mustFind(t, s, rec.TokenHash), rec)
	wantListed(t, s, rec.UserID, rec)
	wantEvents(t, a, rec.ID, events...)
}

// testCreateWithEventsNone stores an anonymous record with no events.
func testCreateWithEventsNone(t *testing.T, h Harness) {
	s, ec, a := h.eventCreator(t)
	rec := NewRecord("")
	if err := ec.CreateWithEvents(t.Context(), rec, nil); err != nil {
		t.Fatalf("CreateWithEvents: got error %v, want nil", err)
	}
	wantStored(t, s, rec)
	wantEvents(t, a, rec.ID)
}

// testCreateWithEventsDuplicateID creates a record whose id is taken: a
// conflict that keeps none of its events.
func testCreateWithEventsDuplicateID(t *testing.T, h Harness) {
	s, ec, a := h.eventCreator(t)
	first := fullRecord(randomUser())
	mustCreate(t, s, first)
	second := NewRecord(randomUser())
	second.ID = first.ID
	wantConflict(t, "CreateWithEvents", ec.CreateWithEvents(t.Context(), second, createdEvents(second)))
	wantStored(t, s, first)
	wantNoHash(t, s, second.TokenHash)
	wantListed(t, s, second.UserID)
	wantEvents(t, a, first.ID)
}

// testCreateWithEventsDuplicateHash creates a record whose current token
// hash, or one of whose retired hashes, is another record's: a conflict
// that keeps none of its events and none of its other hashes.
func testCreateWithEventsDuplicateHash(t *testing.T, h Harness) {
	s, ec, a := h.eventCreator(t)
	first := fullRecord(randomUser())
	mustCreate(t, s, first)
	for _, tc := range []struct {
		name    string
		current bool
	}{
		{"Current", true},
		{"Retired", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			second := fullRecord(first.UserID)
			if tc.current {
				second.TokenHash = first.TokenHash
			} else {
				second.Retired[0].Hash = first.Retired[1].Hash
			}
			wantConflict(t, "CreateWithEvents", ec.CreateWithEvents(t.Context(), second, createdEvents(second)))
			wantNoID(t, s, second.ID)
			if !tc.current {
				wantNoHash(t, s, second.TokenHash)
			}
			wantStored(t, s, first)
			wantListed(t, s, first.UserID, first)
			wantEvents(t, a, second.ID)
		})
	}
}
