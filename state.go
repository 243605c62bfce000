package sessiond

// State is what a session grants.
type State int

// The states of a session.
const (
	// StateActive is a complete login: the session grants what its user
	// may do.
	StateActive State = iota
	// StatePending is a half-finished login (a second factor is due). It
	// grants nothing; a full [Manager.Login] replaces it.
	StatePending
	// StateReauthRequired is a session that must re-authenticate
	// ([Session.Reauth]) before it grants anything again.
	StateReauthRequired
)

// String names the state.
func (st State) String() string {
	switch st {
	case StateActive:
		return "active"
	case StatePending:
		return "pending"
	case StateReauthRequired:
		return "reauth_required"
	}
	return "unknown"
}

// State returns what the session grants.
func (s *Session) State() State { return s.record().state() }

// state derives the state of a record: a pending login stays pending
// whatever else happens to it.
func (r *Record) state() State {
	switch {
	case r.Pending:
		return StatePending
	case r.ReauthRequired:
		return StateReauthRequired
	}
	return StateActive
}
