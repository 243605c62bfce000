package api

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/sessiond/sessiond"
)

// sessionJSON is a session as the API shows it: never with a token. The
// tags name the members; appendJSON writes them.
type sessionJSON struct {
	ID                string          `json:"id"`
	UserID            string          `json:"user_id"`
	State             string          `json:"state"`
	CreatedAt         time.Time       `json:"created_at"`
	LastSeenAt        time.Time       `json:"last_seen_at"`
	IdleExpiresAt     time.Time       `json:"idle_expires_at"`
	AbsoluteExpiresAt time.Time       `json:"absolute_expires_at"`
	AuthTime          time.Time       `json:"auth_time"`
	AuthMethods       []string        `json:"auth_methods"`
	IP                string          `json:"ip"`
	UserAgent         string          `json:"user_agent"`
	Version           int64           `json:"version"`
	Device            deviceJSON      `json:"device"`
	Data              json.RawMessage `json:"data"`
}

// deviceJSON is a session's device binding (W3C DBSC) as the API shows
// it: whether the session is bound to a key its browser keeps, and which.
// The key itself is never shown; its thumbprint names it.
type deviceJSON struct {
	Bound      bool       `json:"bound"`
	Alg        string     `json:"alg"`
	BoundAt    *time.Time `json:"bound_at"`
	Thumbprint string     `json:"thumbprint"`
}

// deviceOf shows s's device binding.
func deviceOf(s *sessiond.Session) deviceJSON {
	d := s.Device()
	if !d.Bound() {
		return deviceJSON{}
	}
	at := d.BoundAt
	return deviceJSON{Bound: true, Alg: d.Alg, BoundAt: &at, Thumbprint: d.Thumbprint()}
}

// errBadData is the error of session data that is not one JSON object.
var errBadData = errors.New("api: session data is not a JSON object")

// lenient accepts, inside session data, what encoding/json lets a Go
// program store there through a json.RawMessage: repeated member names
// and invalid UTF-8. The data is shown as it was stored.
var lenient = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// toJSON shows s. Its data must open and be a JSON object: an error means
// the store or the keys are wrong, not the request.
func toJSON(s *sessiond.Session) (sessionJSON, error) {
	data, err := s.DataJSON()
	if err != nil {
		return sessionJSON{}, err
	}
	if v := jsontext.Value(data); !v.IsValid(lenient...) || v.Kind() != '{' {
		return sessionJSON{}, errBadData
	}
	return sessionJSON{
		ID: s.ID(), UserID: s.UserID(), State: s.State().String(),
		CreatedAt: s.CreatedAt(), LastSeenAt: s.LastSeenAt(),
		IdleExpiresAt: s.IdleExpiresAt(), AbsoluteExpiresAt: s.AbsoluteExpiresAt(),
		AuthTime: s.AuthTime(), AuthMethods: s.AuthMethods(),
		IP: s.IP(), UserAgent: s.UserAgent(), Version: s.Version(), Device: deviceOf(s), Data: data,
	}, nil
}

// MarshalJSON returns js as appendJSON writes it.
func (js sessionJSON) MarshalJSON() ([]byte, error) { return js.appendJSON(nil), nil }

// appendJSON appends js as a JSON object in the order of its fields, with
// times in RFC 3339 UTC (to the nanosecond, as encoding/json shows a
// time.Time) and no auth methods as []. Written out by hand: it is the
// body of every validation, and reflection would cost more than the
// store's read.
func (js *sessionJSON) appendJSON(b []byte) []byte {
	b = appendMember(b, `{"id":`, js.ID)
	b = appendMember(b, `,"user_id":`, js.UserID)
	b = appendMember(b, `,"state":`, js.State)
	b = appendTime(b, `,"created_at":`, js.CreatedAt)
	b = appendTime(b, `,"last_seen_at":`, js.LastSeenAt)
	b = appendTime(b, `,"idle_expires_at":`, js.IdleExpiresAt)
	b = appendTime(b, `,"absolute_expires_at":`, js.AbsoluteExpiresAt)
	b = appendTime(b, `,"auth_time":`, js.AuthTime)
	b = append(b, `,"auth_methods":[`...)
	for i, m := range js.AuthMethods {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, m)
	}
	b = appendMember(b, `],"ip":`, js.IP)
	b = appendMember(b, `,"user_agent":`, js.UserAgent)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, js.Version, 10)
	b = js.Device.appendJSON(append(b, `,"device":`...))
	b = append(b, `,"data":`...)
	b = append(b, js.Data...)
	return append(b, '}')
}

// appendJSON appends d as a JSON object, bound_at null when not bound.
func (d *deviceJSON) appendJSON(b []byte) []byte {
	b = strconv.AppendBool(append(b, `{"bound":`...), d.Bound)
	b = appendMember(b, `,"alg":`, d.Alg)
	if d.BoundAt != nil {
		b = appendTime(b, `,"bound_at":`, *d.BoundAt)
	} else {
		b = append(b, `,"bound_at":null`...)
	}
	return append(appendMember(b, `,"thumbprint":`, d.Thumbprint), '}')
}

// appendMember appends name (with its punctuation) and the string s.
func appendMember(b []byte, name, s string) []byte {
	return appendString(append(b, name...), s)
}

// appendTime appends name (with its punctuation) and t as a string.
func appendTime(b []byte, name string, t time.Time) []byte {
	b = append(append(b, name...), '"')
	return append(t.UTC().AppendFormat(b, time.RFC3339Nano), '"')
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	b, _ = jsontext.AppendQuote(b, s) // the error only reports the replacement
	return b
}

// answer is the body of most calls: the session, and a token when one was
// issued to the caller.
type answer struct {
	Token   string      `json:"token,omitempty"`
	Session sessionJSON `json:"session"`
}

// appendJSON appends a as a JSON object.
func (a *answer) appendJSON(b []byte) []byte {
	if a.Token != "" {
		b = appendMember(b, `{"token":`, a.Token)
		b = append(b, `,"session":`...)
	} else {
		b = append(b, `{"session":`...)
	}
	return append(a.Session.appendJSON(b), '}')
}
