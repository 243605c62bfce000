package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/useragent"
)

// maxIDLen bounds a user or session id in a request, as sessiond does.
const maxIDLen = 256

// pageSize is how many sessions, users or events a page lists.
const pageSize = 50

// sessionsView is what the sessions page shows: one user's sessions, or
// with no search every user's, a page at a time.
type sessionsView struct {
	// Query is what was searched for; empty before a search.
	Query string
	// UserID is the user whose sessions are listed.
	UserID string
	// User is the user as the directory knows them, if it does.
	User     *User
	Sessions []sessionRow
	// All lists every user's sessions when there is no search.
	All allSessions
}

// allSessions is a page of the sessions of every user, the newest
// logins first.
type allSessions struct {
	Rows []sessionRow
	// First is the address of the first page when this is another.
	First string
	// Next is the address of the next page; empty on the last.
	Next string
	// Unsupported is set when the store cannot list every session.
	Unsupported bool
}

// sessionRow is one session of the table. It holds no token.
type sessionRow struct {
	ID, IP, UserAgent            string
	Created, LastSeen            time.Time
	IdleExpires, AbsoluteExpires time.Time
	Persistent, ReauthRequired   bool
	// Binding is the session's binding to a key its browser keeps (W3C
	// DBSC); its Bound reports whether there is one.
	Binding sessiond.DeviceBinding
	// UserID and UserName are the session's user, in the list of every
	// user's sessions; UserName is empty when the directory does not
	// know them.
	UserID, UserName string
}

// cells is what the template "session", a session's cells in a table
// row, gets: the page, whose time says how long ago and whose CSRF field
// the revoke button's form carries, the session, and the user whose page
// to come back to after revoking it ("" for the home page).
type cells struct {
	Page page
	Row  sessionRow
	Back string
}

// sessionCells makes the cells of row on page p.
func sessionCells(p page, row sessionRow, back string) cells {
	return cells{Page: p, Row: row, Back: back}
}

// Device summarises the session's User-Agent.
func (s sessionRow) Device() string { return useragent.Describe(s.UserAgent) }

// Expires is when the session ends without further activity.
func (s sessionRow) Expires() time.Time {
	if s.AbsoluteExpires.Before(s.IdleExpires) {
		return s.AbsoluteExpires
	}
	return s.IdleExpires
}

// sessionsPage is the home page: a search by user and their sessions or,
// before a search, the sessions of every user.
func (u *UI) sessionsPage(w http.ResponseWriter, r *http.Request, op operator) {
	q := r.URL.Query()
	v := sessionsView{Query: q.Get("user_id")}
	after := q.Get("after")
	if len(v.Query) > maxIDLen || len(after) > maxIDLen {
		u.badRequest(w, r)
		return
	}
	var err error
	if v.Query != "" {
		err = u.findSessions(r.Context(), &v)
	} else {
		err = u.listSessions(r.Context(), &v.All, after)
	}
	if err != nil {
		u.pageFailed(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "sessions", u.opPage(r, op, "Sessions", "sessions", v))
}

// listSessions fills in a page of every user's sessions from the one
// after, with the names the directory knows. A store that cannot list
// them all leaves the page empty and says so.
func (u *UI) listSessions(ctx context.Context, v *allSessions, after string) error {
	sessions, next, err := u.cfg.Manager.ListAll(ctx, after, pageSize)
	if errors.Is(err, errors.ErrUnsupported) {
		v.Unsupported = true
		return nil
	}
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, s := range sessions {
		row := toRow(s)
		row.UserID = s.UserID()
		if row.UserName, err = u.userName(ctx, names, row.UserID); err != nil {
			return err
		}
		v.Rows = append(v.Rows, row)
	}
	if after != "" {
		v.First = Prefix
	}
	if next != "" {
		v.Next = pageURL(Prefix, url.Values{"after": {next}})
	}
	return nil
}

// userName returns the name of the user id as the directory knows it, ""
// without a directory or for a user it does not know; names remembers
// the users already looked up.
func (u *UI) userName(ctx context.Context, names map[string]string, id string) (string, error) {
	if u.cfg.Users == nil {
		return "", nil
	}
	if name, ok := names[id]; ok {
		return name, nil
	}
	user, found, err := u.cfg.Users.LookupUser(ctx, id)
	if err != nil {
		return "", err
	}
	if !found || user.ID != id {
		user.Name = "" // another user whose name is this id
	}
	names[id] = user.Name
	return user.Name, nil
}

// findSessions fills in the user of v.Query and their sessions.
func (u *UI) findSessions(ctx context.Context, v *sessionsView) error {
	v.UserID = v.Query
	if u.cfg.Users != nil {
		user, found, err := u.cfg.Users.LookupUser(ctx, v.Query)
		if err != nil {
			return err
		}
		if found {
			v.User, v.UserID = &user, user.ID
		}
	}
	sessions, err := u.cfg.Manager.List(ctx, v.UserID)
	if err != nil {
		return err
	}
	v.Sessions = make([]sessionRow, 0, len(sessions))
	for _, s := range sessions {
		v.Sessions = append(v.Sessions, toRow(s))
	}
	return nil
}

// toRow takes what the table shows of s.
func toRow(s *sessiond.Session) sessionRow {
	return sessionRow{
		ID: s.ID(), IP: s.IP(), UserAgent: s.UserAgent(),
		Created: s.CreatedAt(), LastSeen: s.LastSeenAt(),
		IdleExpires: s.IdleExpiresAt(), AbsoluteExpires: s.AbsoluteExpiresAt(),
		Persistent: s.Persistent(), ReauthRequired: s.State() == sessiond.StateReauthRequired,
		Binding: s.Device(),
	}
}

// revokeSession ends one session (field session_id), then shows the
// user's sessions again (field user_id).
func (u *UI) revokeSession(w http.ResponseWriter, r *http.Request, op operator) {
	id := r.PostFormValue("session_id")
	if !validID(id) {
		u.badRequest(w, r)
		return
	}
	found, err := u.cfg.Manager.RevokeID(r.Context(), id, sessiond.ReasonRevoked)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.cfg.Log.Info("admin: revoked a session", "operator", op.name, "session_id", id, "found", found)
	back := userPage(r.PostFormValue("user_id"))
	if !found {
		u.redirect(w, r, op, back, flashInfo, "That session had already ended.")
		return
	}
	u.redirect(w, r, op, back, flashOK, "Session ended. Its next request will be refused.")
}

// revokeUser ends every session of a user (field user_id).
func (u *UI) revokeUser(w http.ResponseWriter, r *http.Request, op operator) {
	id := r.PostFormValue("user_id")
	if !validID(id) {
		u.badRequest(w, r)
		return
	}
	n, err := u.cfg.Manager.RevokeUser(r.Context(), id, sessiond.ReasonUser)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.cfg.Log.Info("admin: revoked a user's sessions", "operator", op.name, "user_id", id, "revoked", n)
	u.redirect(w, r, op, userPage(id), flashOK, "Ended "+plural(n, "session")+" of "+id+".")
}

// revokeEverything ends every session of the store, for incident
// response. The field confirm must be "all".
func (u *UI) revokeEverything(w http.ResponseWriter, r *http.Request, op operator) {
	if r.PostFormValue("confirm") != "all" {
		u.redirect(w, r, op, Prefix, flashError, `Nothing was ended: type "all" in the box to confirm.`)
		return
	}
	n, err := u.cfg.Manager.RevokeEverything(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.cfg.Log.Warn("admin: revoked every session", "operator", op.name, "revoked", n)
	u.redirect(w, r, op, Prefix, flashOK, "Ended every session: "+plural(n, "session")+" in all.")
}

// validID reports whether id is a plausible user or session id.
func validID(id string) bool {
	return id != "" && len(id) <= maxIDLen
}

// userPage is the sessions page of a user, or the home page for an
// invalid id.
func userPage(userID string) string {
	if !validID(userID) {
		return Prefix
	}
	return Prefix + "?" + url.Values{"user_id": {userID}}.Encode()
}
