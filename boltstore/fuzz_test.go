package boltstore

import (
	"bytes"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// FuzzDecodeEvent checks that decodeEvent never panics, and that what it
// accepts encodes back to the same bytes.
func FuzzDecodeEvent(f *testing.F) {
	f.Add(encodeEvent(sessiond.Event{}))
	f.Add(encodeEvent(sessiond.Event{
		ID: "e1", Time: time.Date(2026, 3, 1, 9, 0, 0, 7, time.UTC), Type: sessiond.EventRevoked,
		UserID: "alice", SessionID: "s1", IP: "192.0.2.1", UserAgent: "agent/1", Reason: "logout",
		Actor: "operator:root",
	}))
	f.Add(format1Event(time.Date(2026, 3, 1, 9, 0, 0, 7, time.UTC)))
	f.Add([]byte{eventFormat, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEvent(b)
		if err != nil {
			return
		}
		again, err := decodeEvent(encodeEvent(e))
		if err != nil || !again.Time.Equal(e.Time) {
			t.Fatalf("round trip of %+v: got %+v, %v", e, again, err)
		}
		again.Time = e.Time
		if again != e {
			t.Errorf("round trip of %+v: got %+v, %v", e, again, err)
		}
	})
}

// FuzzDecodeValue checks that decodeValue never panics, and that what it
// accepts encodes back to a value that decodes the same.
func FuzzDecodeValue(f *testing.F) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	v, _ := encodeValue(&sessiond.Record{ID: "s1", UserID: "alice", LastSeenAt: at, IdleExpiresAt: at, Data: []byte("x")})
	f.Add(v)
	f.Add(v[:headerLen])
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := decodeValue(b)
		if err != nil {
			return
		}
		v, err := encodeValue(rec)
		if err != nil {
			t.Fatalf("encodeValue: %v", err)
		}
		again, err := decodeValue(v)
		if err != nil || again.ID != rec.ID || !again.LastSeenAt.Equal(rec.LastSeenAt) ||
			!again.IdleExpiresAt.Equal(rec.IdleExpiresAt) || !bytes.Equal(again.Data, rec.Data) {
			t.Errorf("round trip of %+v: got %+v, %v", rec, again, err)
		}
	})
}
