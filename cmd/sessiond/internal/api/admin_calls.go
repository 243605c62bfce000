package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
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

// audit queries the audit log: 200 {events, next_cursor}, newest first,
// a page at a time; next_cursor, given back as cursor, asks for the next
// page, and is "" after the last.
func (a *api) audit(w http.ResponseWriter, r *http.Request) {
	if a.Audit == nil {
		writeError(w, http.StatusNotImplemented, "not_implemented", "the store keeps no audit log")
		return
	}
	q, detail := parseAuditQuery(r.URL.Query())
	if detail != "" {
		writeError(w, http.StatusBadRequest, "bad_request", detail)
		return
	}
	cursor := r.URL.Query().Get("cursor")
	events, next, err := a.auditPage(r.Context(), q, cursor)
	switch {
	case errors.Is(err, sessiond.ErrBadCursor):
		writeError(w, http.StatusBadRequest, "bad_request", "cursor must be a next_cursor this call returned, with the same user_id, session_id and type")
		return
	case err != nil:
		writeSessionError(w, err)
		return
	}
	if events == nil {
		events = []sessiond.Event{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events, "next_cursor": next})
}

// parseAuditQuery reads the selection of GET /v1/audit, or says what is
// wrong with it.
func parseAuditQuery(v url.Values) (q sessiond.EventQuery, detail string) {
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > sessiond.MaxEventLimit {
			return q, "limit must be an integer from 1 to " + strconv.Itoa(sessiond.MaxEventLimit)
		}
		q.Limit = n
	}
	q.Type = sessiond.EventType(v.Get("type"))
	if q.Type != "" && !slices.Contains(sessiond.EventTypes(), q.Type) {
		return q, "type is not an audit event type (see EventType in GET /v1/openapi.json)"
	}
	q.UserID, q.SessionID = v.Get("user_id"), v.Get("session_id")
	return q, ""
}

// auditPage returns the page of events after cursor, and the cursor of
// the next. A store that cannot page answers its first page alone, with
// no next cursor, and refuses any other as a bad cursor.
func (a *api) auditPage(ctx context.Context, q sessiond.EventQuery, cursor string) ([]sessiond.Event, string, error) {
	if p, ok := a.Audit.(sessiond.EventPager); ok {
		events, next, err := p.QueryEventPage(ctx, q, cursor)
		if !errors.Is(err, errors.ErrUnsupported) {
			return events, next, err
		}
	}
	if cursor != "" {
		return nil, "", sessiond.ErrBadCursor
	}
	events, err := a.Audit.QueryEvents(ctx, q)
	return events, "", err
}
