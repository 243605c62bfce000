package admin

import (
	"net/http"
	"net/url"

	"github.com/sessiond/sessiond"
)

// usersView is what the users page shows: a page of the directory's
// users, searched by part of a name or an id.
type usersView struct {
	Search string
	Users  []User
	// First is the address of the first page when this is another; Next
	// that of the next page, empty on the last.
	First, Next string
}

// usersPage lists the directory's users, the newest first, a page at a
// time (field after), searched by part of a name or an id (field q).
func (u *UI) usersPage(w http.ResponseWriter, r *http.Request, op operator) {
	q := r.URL.Query()
	v := usersView{Search: q.Get("q")}
	after := q.Get("after")
	if len(v.Search) > maxIDLen || len(after) > maxIDLen {
		u.badRequest(w, r)
		return
	}
	users, next, err := u.cfg.Users.ListUsers(r.Context(), v.Search, after, pageSize)
	if err != nil {
		u.pageFailed(w, r, err)
		return
	}
	v.Users = users
	search := url.Values{}
	if v.Search != "" {
		search.Set("q", v.Search)
	}
	if after != "" {
		v.First = pageURL("/admin/users", search)
	}
	if next != "" {
		search.Set("after", next)
		v.Next = pageURL("/admin/users", search)
	}
	u.render(w, r, http.StatusOK, "users", u.opPage(r, op, "Users", "users", v))
}

// pageURL is the address of path with the query q.
func pageURL(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// disableUser refuses a user's logins and ends all of their sessions at
// once (field user_id), audited as user.disabled and session.revoked.
func (u *UI) disableUser(w http.ResponseWriter, r *http.Request, op operator) {
	user, ok := u.postedUser(w, r, op)
	if !ok {
		return
	}
	if err := u.cfg.Users.DisableUser(r.Context(), user.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	u.cfg.Manager.Audit(r.Context(), sessiond.Event{Type: sessiond.EventUserDisabled, UserID: user.ID})
	n, err := u.cfg.Manager.RevokeUser(r.Context(), user.ID, sessiond.ReasonUser)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.cfg.Log.Warn("admin: disabled a user", "operator", op.name, "user_id", user.ID, "revoked", n)
	u.redirect(w, r, op, userPage(user.ID), flashOK,
		"Disabled "+user.Name+" and ended "+plural(n, "session")+". New logins are refused until re-enabled.")
}

// enableUser lets a disabled user log in again (field user_id), audited
// as user.enabled.
func (u *UI) enableUser(w http.ResponseWriter, r *http.Request, op operator) {
	user, ok := u.postedUser(w, r, op)
	if !ok {
		return
	}
	if err := u.cfg.Users.EnableUser(r.Context(), user.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	u.cfg.Manager.Audit(r.Context(), sessiond.Event{Type: sessiond.EventUserEnabled, UserID: user.ID})
	u.cfg.Log.Info("admin: enabled a user", "operator", op.name, "user_id", user.ID)
	u.redirect(w, r, op, userPage(user.ID), flashOK, "Enabled "+user.Name+": they can log in again.")
}

// postedUser looks up the user of the field user_id. It answers the
// request itself and reports false when there is none.
func (u *UI) postedUser(w http.ResponseWriter, r *http.Request, op operator) (User, bool) {
	id := r.PostFormValue("user_id")
	if !validID(id) {
		u.badRequest(w, r)
		return User{}, false
	}
	user, found, err := u.cfg.Users.LookupUser(r.Context(), id)
	switch {
	case err != nil:
		u.fail(w, r, err)
		return User{}, false
	case !found || user.ID != id:
		u.redirect(w, r, op, Prefix, flashError, "No user has that id.")
		return User{}, false
	}
	if user.Name == "" {
		user.Name = user.ID
	}
	return user, true
}
