package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/sessiond/sessiond"
)

// auditLimit is the most events a page of the audit log shows.
const auditLimit = 100

// eventTypes are the types the audit page filters by.
var eventTypes = sessiond.EventTypes()

// auditView is what the audit page shows.
type auditView struct {
	// User is the user filter as typed: a user id or, with a directory,
	// a name; UserID is the id it stands for.
	User, UserID string
	// Named is the user the directory found by name, if it did.
	Named     *User
	SessionID string
	Type      sessiond.EventType
	Types     []sessiond.EventType
	Events    []sessiond.Event
	// First is the address of the first page when this is another; Next
	// that of the next page, empty on the last.
	First, Next string
}

// Filtered reports whether any filter is set.
func (v auditView) Filtered() bool {
	return v.User != "" || v.SessionID != "" || v.Type != ""
}

// auditPage shows the newest events, filtered by user (id or name),
// session id and type, a page at a time from the cursor "before".
func (u *UI) auditPage(w http.ResponseWriter, r *http.Request, op operator) {
	q := r.URL.Query()
	v := auditView{
		User: q.Get("user_id"), SessionID: q.Get("session_id"),
		Type: sessiond.EventType(q.Get("type")), Types: eventTypes,
	}
	before := q.Get("before")
	if len(v.User) > maxIDLen || len(v.SessionID) > maxIDLen || len(before) > maxIDLen ||
		(v.Type != "" && !slices.Contains(eventTypes, v.Type)) {
		u.badRequest(w, r)
		return
	}
	err := u.auditUser(r.Context(), &v)
	if err == nil {
		err = u.auditEvents(r.Context(), &v, before)
	}
	if err != nil {
		u.pageFailed(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "audit", u.opPage(r, op, "Audit log", "audit", v))
}

// auditUser sets the user id the filter v.User stands for: the id of the
// user the directory finds by that name, or the filter itself.
func (u *UI) auditUser(ctx context.Context, v *auditView) error {
	v.UserID = v.User
	if v.User == "" || u.cfg.Users == nil {
		return nil
	}
	user, found, err := u.cfg.Users.LookupUser(ctx, v.User)
	if found && user.ID != v.User {
		v.Named, v.UserID = &user, user.ID
	}
	return err
}

// auditEvents fills in the page of events of v's filters from the cursor
// before, and the addresses of the first and next pages.
func (u *UI) auditEvents(ctx context.Context, v *auditView, before string) error {
	q := sessiond.EventQuery{UserID: v.UserID, SessionID: v.SessionID, Type: v.Type, Limit: auditLimit}
	events, next, err := u.queryEvents(ctx, q, before)
	if err != nil {
		return err
	}
	v.Events = events
	filters := url.Values{}
	for k, val := range map[string]string{"user_id": v.User, "session_id": v.SessionID, "type": string(v.Type)} {
		if val != "" {
			filters.Set(k, val)
		}
	}
	if before != "" {
		v.First = pageURL("/admin/audit", filters)
	}
	if next != "" {
		filters.Set("before", next)
		v.Next = pageURL("/admin/audit", filters)
	}
	return nil
}

// queryEvents reads the page of q's events from the cursor before, and
// the cursor of the next page. An audit store that cannot page shows its
// first page only.
func (u *UI) queryEvents(ctx context.Context, q sessiond.EventQuery, before string) ([]sessiond.Event, string, error) {
	if p, ok := u.cfg.Audit.(sessiond.EventPager); ok {
		events, next, err := p.QueryEventPage(ctx, q, before)
		if !errors.Is(err, errors.ErrUnsupported) {
			return events, next, err
		}
	}
	if before != "" {
		return nil, "", sessiond.ErrBadCursor
	}
	events, err := u.cfg.Audit.QueryEvents(ctx, q)
	return events, "", err
}
