package api

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// sessionFields is sessionJSON without its MarshalJSON: encoding/json's
// reflection over the same tags, the reference appendJSON must agree
// with.
type sessionFields sessionJSON

// FuzzSessionJSON checks that appendJSON writes valid JSON that reads
// back as encoding/json's own encoding of the same fields does, whatever
// the strings hold (quotes, controls, invalid UTF-8, U+2028).
func FuzzSessionJSON(f *testing.F) {
	f.Add("id", "alice", "192.0.2.1", "Mozilla/5.0", "pwd", int64(1), int64(1), []byte(`{"theme":"dark"}`))
	f.Add("<&>", "\u2028\u2029", "\xff\xfe", "\"\\\x00\x1f\x7f", "", int64(-5), int64(1)<<60, []byte(` { "a" : [1, {"b":null}] } `))
	f.Fuzz(func(t *testing.T, id, user, ip, ua, method string, version, nanos int64, data []byte) {
		if v := jsontext.Value(data); !v.IsValid(lenient...) || v.Kind() != '{' {
			t.Skip("toJSON refuses data that is not one JSON object")
		}
		at := time.Unix(0, nanos)
		js := sessionJSON{
			ID: id, UserID: user, State: "active",
			CreatedAt: at, LastSeenAt: at.Add(time.Second), IdleExpiresAt: at.Add(time.Minute),
			AbsoluteExpiresAt: at.Add(time.Hour), AuthTime: at,
			AuthMethods: []string{method, ua}, IP: ip, UserAgent: ua, Version: version, Data: data,
		}
		if version%2 == 0 {
			js.Device = deviceJSON{Bound: true, Alg: method, BoundAt: &at, Thumbprint: id}
		}
		got := js.appendJSON(nil)
		want, err := json.Marshal(sessionFields(js))
		if err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("appendJSON wrote invalid JSON %q: %v", got, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("appendJSON reads back as\n%v\nwant\n%v", g, w)
		}
	})
}

// TestSessionJSONShape checks what the reference does not: no auth
// methods are [] (never null), the times are UTC, and the answer carries
// a token only when there is one.
func TestSessionJSONShape(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 500, time.FixedZone("CET", 3600))
	js := sessionJSON{ID: "i", CreatedAt: at, Data: json.RawMessage(`{}`)}
	var got map[string]any
	if err := json.Unmarshal(js.appendJSON(nil), &got); err != nil {
		t.Fatal(err)
	}
	if m, ok := got["auth_methods"].([]any); !ok || len(m) != 0 {
		t.Errorf("auth_methods = %#v, want []", got["auth_methods"])
	}
	if got["created_at"] != "2026-03-01T09:00:00.0000005Z" {
		t.Errorf("created_at = %v, want 2026-03-01T09:00:00.0000005Z", got["created_at"])
	}
	for tok, want := range map[string]bool{"": false, "T": true} {
		a := answer{Token: tok, Session: js}
		var out map[string]any
		if err := json.Unmarshal(a.appendJSON(nil), &out); err != nil {
			t.Fatal(err)
		}
		if _, has := out["token"]; has != want || out["session"] == nil {
			t.Errorf("answer with token %q = %v: token present %t, want %t", tok, out, has, want)
		}
	}
}
