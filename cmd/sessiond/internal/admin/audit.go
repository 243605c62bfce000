package admin

import (
	"net/http"
	"slices"

	"github.com/sessiond/sessiond"
)

// auditLimit is the most events the audit page shows.
const auditLimit = 200

// eventTypes are the types the audit page filters by.
var eventTypes = sessiond.EventTypes()

// auditView is what the audit page shows.
type auditView struct {
	UserID, SessionID string
	Type              sessiond.EventType
	Types             []sessiond.EventType
	Events            []sessiond.Event
	Limit             int
}

// Filtered reports whether any filter is set.
func (v auditView) Filtered() bool {
	return v.UserID != "" || v.SessionID != "" || v.Type != ""
}

// auditPage shows the newest events, filtered by user id, session id
// and type.
func (u *UI) auditPage(w http.ResponseWriter, r *http.Request, op operator) {
	q := r.URL.Query()
	v := auditView{
		UserID: q.Get("user_id"), SessionID: q.Get("session_id"),
		Type: sessiond.EventType(q.Get("type")), Types: eventTypes, Limit: auditLimit,
	}
	if len(v.UserID) > maxIDLen || len(v.SessionID) > maxIDLen || (v.Type != "" && !slices.Contains(eventTypes, v.Type)) {
		u.badRequest(w, r)
		return
	}
	events, err := u.cfg.Audit.QueryEvents(r.Context(), sessiond.EventQuery{
		UserID: v.UserID, SessionID: v.SessionID, Type: v.Type, Limit: auditLimit,
	})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Events = events
	u.render(w, r, http.StatusOK, "audit", u.opPage(r, op, "Audit log", "audit", v))
}
