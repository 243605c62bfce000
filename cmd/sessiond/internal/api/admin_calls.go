package api

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/sessiond/sessiond"
)

// deleteByID revokes the session with a public id: 204, whether or not
// it still existed (revocation is idempotent).
func (a *api) deleteByID(w http.ResponseWriter, r *http.Request) {
	if _, err := a.Manager.RevokeID(r.Context(), r.PathValue("id"), sessiond.ReasonRevoked); err != nil {
		writeSessionError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// deleteAll ends every session: 200 {revoked}. It demands confirm=all.
func (a *api) deleteAll(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("confirm") != "all" {
		writeError(w, http.StatusBadRequest, "bad_request", "confirm=all is required to end every session")
		return
	}
	n, err := a.Manager.RevokeEverything(r.Context())
	if err != nil {
		writeSessionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
}

// listUser lists a user's sessions: 200 {sessions}, never tokens.
func (a *api) listUser(w http.ResponseWriter, r *http.Request) {
	sessions, err := a.Manager.List(r.Context(), r.PathValue("user_id"))
	if err != nil {
		writeSessionError(w, err)
		return
	}
	out := make([]sessionJSON, 0, len(sessions))
	for _, s := range sessions {
		js, err := toJSON(s)
		if err != nil {
			writeSessionError(w, err)
			return
		}
		out = append(out, js)
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

// revokeUser ends a user's sessions, except those named by except:
// 200 {revoked}.
func (a *api) revokeUser(w http.ResponseWriter, r *http.Request) {
	n, err := a.Manager.RevokeUser(r.Context(), r.PathValue("user_id"), sessiond.ReasonUser, r.URL.Query()["except"]...)
	if err != nil {
		writeSessionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
}

// audit queries the audit log: 200 {events}, newest first.
func (a *api) audit(w http.ResponseWriter, r *http.Request) {
	if a.Audit == nil {
		writeError(w, http.StatusNotImplemented, "not_implemented", "the store keeps no audit log")
		return
	}
	q := r.URL.Query()
	limit := 0
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > sessiond.MaxEventLimit {
			writeError(w, http.StatusBadRequest, "bad_request", "limit must be an integer from 1 to "+strconv.Itoa(sessiond.MaxEventLimit))
			return
		}
		limit = n
	}
	typ := sessiond.EventType(q.Get("type"))
	if typ != "" && !slices.Contains(sessiond.EventTypes(), typ) {
		writeError(w, http.StatusBadRequest, "bad_request", "type is not an audit event type (see EventType in GET /v1/openapi.json)")
		return
	}
	events, err := a.Audit.QueryEvents(r.Context(), sessiond.EventQuery{
		UserID: q.Get("user_id"), SessionID: q.Get("session_id"),
		Type: typ, Limit: limit,
	})
	if err != nil {
		writeSessionError(w, err)
		return
	}
	if events == nil {
		events = []sessiond.Event{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events})
}
