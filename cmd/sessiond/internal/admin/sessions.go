package admin

import (
	"context"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/useragent"
	"net/http"
	"net/url"
	"time"

	"github.com/sessiond/sessiond"
)

// maxIDLen bounds a user or session id in a request, as sessiond does.
const maxIDLen = 256

// sessionsView is what the sessions page shows.
type sessionsView struct {
	// Query is what was searched for; empty before a search.
	Query string
	// UserID is the user whose sessions are listed.
	UserID string
	// User is the user as the directory knows them, if it does.
	User     *User
	Sessions []sessionRow
}

// sessionRow is one session of the table. It holds no token.
type sessionRow struct {
	ID, IP, UserAgent            string
	Created, LastSeen            time.Time
	IdleExpires, AbsoluteExpires time.Time
	Persistent, ReauthRequired   bool
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

// sessionsPage is the home page: a search by user, and their sessions.
func (u *UI) sessionsPage(w http.ResponseWriter, r *http.Request, op operator) {
	v := sessionsView{Query: r.URL.Query().Get("user_id")}
	if len(v.Query) > maxIDLen {
		u.badRequest(w, r)
		return
	}
	if v.Query != "" {
		if err := u.findSessions(r.Context(), &v); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	u.render(w, r, http.StatusOK, "sessions", u.opPage(r, op, "Sessions", "sessions", v))
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
