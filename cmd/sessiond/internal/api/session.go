package api

import (
	"encoding/json"
	"time"

	"github.com/sessiond/sessiond"
)

// sessionJSON is a session as the API shows it: never with a token.
type sessionJSON struct {
	ID                string          `json:"id"`
	UserID            string          `json:"user_id"`
	State             string          `json:"state"`
	CreatedAt         string          `json:"created_at"`
	LastSeenAt        string          `json:"last_seen_at"`
	IdleExpiresAt     string          `json:"idle_expires_at"`
	AbsoluteExpiresAt string          `json:"absolute_expires_at"`
	AuthTime          string          `json:"auth_time"`
	AuthMethods       []string        `json:"auth_methods"`
	IP                string          `json:"ip"`
	UserAgent         string          `json:"user_agent"`
	Version           int64           `json:"version"`
	Data              json.RawMessage `json:"data"`
}

// toJSON shows s. Its data must open: an error means the store or the keys
// are wrong, not the request.
func toJSON(s *sessiond.Session) (sessionJSON, error) {
	data, err := s.DataJSON()
	if err != nil {
		return sessionJSON{}, err
	}
	methods := s.AuthMethods()
	if methods == nil {
		methods = []string{}
	}
	return sessionJSON{
		ID: s.ID(), UserID: s.UserID(), State: s.State().String(),
		CreatedAt: rfc3339(s.CreatedAt()), LastSeenAt: rfc3339(s.LastSeenAt()),
		IdleExpiresAt: rfc3339(s.IdleExpiresAt()), AbsoluteExpiresAt: rfc3339(s.AbsoluteExpiresAt()),
		AuthTime: rfc3339(s.AuthTime()), AuthMethods: methods,
		IP: s.IP(), UserAgent: s.UserAgent(), Version: s.Version(), Data: data,
	}, nil
}

// answer is the body of most calls: the session, and a token when one was
// issued to the caller.
type answer struct {
	Token   string      `json:"token,omitempty"`
	Session sessionJSON `json:"session"`
}

// rfc3339 formats t as encoding/json does, in UTC. A string field encodes
// without the Marshaler round trip (and its compaction) time.Time costs on
// every answer.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
