package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/operators"
	"github.com/sessiond/sessiond/secheaders"
	"github.com/sessiond/sessiond/throttle"
)

// Messages of the login page. A wrong password and an unknown user get
// the same one.
const (
	msgLoginFailed = "Wrong username or password."
	msgThrottled   = "Too many attempts. Wait a moment, then try again."
	msgSignedOut   = "You have signed out."
)

// loginView is what the login page shows.
type loginView struct {
	Username string
	Next     string
	Error    string
	Notice   string
}

// loginPage shows the login form, or sends a signed-in operator on.
func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := u.current(r); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	v := loginView{Next: next}
	if r.URL.Query().Has("signed_out") {
		v.Notice = msgSignedOut
	}
	u.renderLogin(w, r, http.StatusOK, v)
}

// login checks an operator's password, throttled, and starts an operator
// session. Failures are audited as login.failed, with one message for an
// unknown user and a wrong password.
func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	name, password := r.PostFormValue("username"), r.PostFormValue("password")
	v := loginView{Next: safeNext(r.PostFormValue("next"))}
	if operators.ValidUsername(name) {
		v.Username = name
	}
	client := u.ops.Client(r)
	account := userPrefix + strings.ToLower(name)
	attempt, wait, err := u.cfg.Throttle.Begin(account, client.IP, r)
	if err != nil {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		v.Error = msgThrottled
		u.renderLogin(w, r, http.StatusTooManyRequests, v)
		return
	}
	defer attempt.Release()
	ok, err := u.cfg.Operators.Verify(name, password)
	if err != nil {
		u.cfg.Log.Error("admin: checking an operator's password", "error", err)
	}
	if !ok {
		attempt.Fail()
		u.audit(r, sessiond.EventLoginFailed, userPrefix+v.Username, "", client)
		v.Error = msgLoginFailed
		u.renderLogin(w, r, http.StatusUnauthorized, v)
		return
	}
	u.signIn(w, r, name, attempt, client, v.Next)
}

// signIn starts the session of an operator whose password was right, and
// ends the login attempt as a success once it has.
func (u *UI) signIn(w http.ResponseWriter, r *http.Request, name string, attempt *throttle.Attempt, client sessiond.Client, next string) {
	// The stamp of the password just checked: a reset signs this session out.
	stamp, _ := u.cfg.Operators.Stamp(name)
	s, err := u.ops.Login(r.Context(), sessiond.LoginInfo{UserID: userPrefix + name, Methods: []string{"pwd"}, Data: map[string]any{stampKey: stamp}})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	attempt.Succeed(w)
	u.audit(r, sessiond.EventLoginSucceeded, userPrefix+name, s.ID(), client)
	u.cfg.Log.Info("admin: operator signed in", "operator", name, "ip", client.IP)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the operator session and tells the browser to forget the
// site's cookies, storage and cache.
func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if s := sessiond.FromContextAny(r.Context()); s != nil {
		u.cfg.Log.Info("admin: operator signed out", "operator", strings.TrimPrefix(s.UserID(), userPrefix))
	}
	if err := u.ops.Logout(r.Context()); err != nil {
		u.fail(w, r, err)
		return
	}
	secheaders.ClearSiteData(w)
	http.Redirect(w, r, "/admin/login?signed_out=1", http.StatusSeeOther)
}

// audit writes an event to the application's audit trail.
func (u *UI) audit(r *http.Request, t sessiond.EventType, userID, sessionID string, c sessiond.Client) {
	u.cfg.Manager.Audit(r.Context(), sessiond.Event{
		Type: t, UserID: userID, SessionID: sessionID, IP: c.IP, UserAgent: c.UserAgent,
	})
}

// renderLogin renders the login page.
func (u *UI) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	u.render(w, r, status, "login", page{Title: "Sign in", Data: v})
}
