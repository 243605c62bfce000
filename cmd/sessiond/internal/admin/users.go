package admin

import (
	"net/http"

	"github.com/sessiond/sessiond"
)

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
