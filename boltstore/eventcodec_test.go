package boltstore

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// format1Event is an event at as format 1 encoded it, before events had
// an actor: eight fields.
func format1Event(at time.Time) []byte {
	t, _ := at.MarshalBinary()
	b := []byte{1}
	for _, f := range []string{string(t), "e1", "session.revoked", "alice", "s1", "192.0.2.1", "agent/1", "logout"} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// TestDecodeEvent_Format1 reads an event kept before events had an
// actor: every field as it was, and no actor.
func TestDecodeEvent_Format1(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 7, time.UTC)
	got, err := decodeEvent(format1Event(at))
	if err != nil {
		t.Fatalf("decodeEvent: got error %v, want nil", err)
	}
	want := sessiond.Event{ID: "e1", Time: at, Type: sessiond.EventRevoked, UserID: "alice",
		SessionID: "s1", IP: "192.0.2.1", UserAgent: "agent/1", Reason: "logout"}
	if got != want {
		t.Errorf("decodeEvent: got %+v, want %+v", got, want)
	}
	withActor := binary.AppendUvarint(format1Event(at), 1)
	if _, err := decodeEvent(append(withActor, 'x')); err == nil {
		t.Error("decodeEvent of format 1 with a ninth field: got nil error, want one")
	}
}
