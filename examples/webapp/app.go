package main

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/web"
)

// reauthMaxAge is how recent a login must be to change the password or
// sign other devices out.
const reauthMaxAge = 5 * time.Minute

//go:embed pages.html style.css
var files embed.FS

// pages are the site's templates, one per page.
var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}).ParseFS(files, "pages.html"))

// app is the site: its sessions, its browser stack and its accounts.
type app struct {
	sessions *sessiond.Manager
	site     *web.Site
	users    *users
}

// newApp returns the site's handler, on sessions.
func newApp(sessions *sessiond.Manager) http.Handler {
	a := &app{sessions: sessions, site: web.New(sessions, web.Config{}), users: newUsers()}
	signedIn := sessiond.RequireAuth
	fresh := sessiond.RequireFresh(reauthMaxAge) // else re-authenticate at /reauth

	mux := http.NewServeMux()
	mux.Handle("GET /style.css", http.FileServerFS(files))
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /signup", a.page("signup", "Sign up"))
	mux.HandleFunc("POST /signup", a.signup)
	mux.HandleFunc("GET /login", a.loginForm)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	mux.Handle("GET /account", signedIn(a.page("account", "Your account")))
	mux.Handle("GET /devices", signedIn(http.HandlerFunc(a.devices)))
	mux.Handle("POST /devices", fresh(http.HandlerFunc(a.revoke)))
	mux.HandleFunc("GET /reauth", a.reauthForm)
	mux.HandleFunc("POST /reauth", a.reauth)
	mux.Handle("GET /password", fresh(a.page("password", "Change your password")))
	mux.Handle("POST /password", fresh(http.HandlerFunc(a.changePassword)))
	return a.site.Handler(mux)
}

// view is what a page shows.
type view struct {
	Title, Error, Notice, Next string
	User                       string            // the signed-in user's name
	Session                    *sessiond.Session // the request's session
	Sessions                   []*sessiond.Session
	CSRF                       template.HTML // the hidden token field of every form
}

// render answers with the page name showing v.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	v.CSRF = a.site.CSRF().TemplateField(w, r)
	if v.Session = sessiond.FromContext(r.Context()); v.Session != nil {
		v.User = a.users.name(v.Session.UserID())
	}
	var page bytes.Buffer
	if err := pages.ExecuteTemplate(&page, name, v); err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	page.WriteTo(w)
}

// notices are what a page says after a change, by its "done" parameter.
var notices = map[string]string{"password": "Your password was changed."}

// page serves a page that needs nothing but its form or a notice.
func (a *app) page(name, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a.render(w, r, http.StatusOK, name, view{Title: title, Notice: notices[r.FormValue("done")]})
	}
}

// fail answers an error the visitor cannot fix, and logs it. A session
// that ended meanwhile sends the browser to the login page.
func (a *app) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, sessiond.ErrInvalidToken) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	slog.Error("request failed", "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong. Please try again.", http.StatusServiceUnavailable)
}

// tooMany answers a request that a throttle refused: 429, with the page
// and a generic message whichever limit it was.
func (a *app) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, name string, v view) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
	v.Error = "Too many attempts. Please wait a moment and try again."
	a.render(w, r, http.StatusTooManyRequests, name, v)
}

// home sends a visitor to their account, or to the login page.
func (a *app) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/account", http.StatusSeeOther) // which sends strangers to /login
}

// signup creates an account and signs it in.
func (a *app) signup(w http.ResponseWriter, r *http.Request) {
	v := view{Title: "Sign up"}
	if wait, ok := a.site.TakeSignup(r); !ok { // before the password is hashed
		a.tooMany(w, r, wait, "signup", v)
		return
	}
	u, err := a.users.add(r.PostFormValue("username"), r.PostFormValue("password"))
	if err != nil {
		v.Error = "Choose a username of 3 to 32 letters, digits, dots, dashes or underscores that nobody has taken, and a password of 8 to 1024 characters."
		a.render(w, r, http.StatusBadRequest, "signup", v)
		return
	}
	a.signIn(w, r, u, "/account")
}

// loginForm shows the login form; a signed-in visitor goes to the account.
func (a *app) loginForm(w http.ResponseWriter, r *http.Request) {
	if sessiond.FromContext(r.Context()) != nil {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	a.render(w, r, http.StatusOK, "login", view{Title: "Log in", Next: sessiond.NextPath(r.FormValue("next"), "/account")})
}

// login checks a password and signs the user in.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	v := view{Title: "Log in", Next: sessiond.NextPath(r.PostFormValue("next"), "/account")}
	if u, ok := a.authenticate(w, r, normalize(r.PostFormValue("username")), "login", v); ok {
		a.signIn(w, r, u, v.Next)
	}
}

// signIn starts a session for u, which replaces any session the browser
// had (session fixation), and sends the browser to next.
func (a *app) signIn(w http.ResponseWriter, r *http.Request, u user, next string) {
	if _, err := a.sessions.Login(r.Context(), sessiond.LoginInfo{UserID: u.ID, Methods: []string{"pwd"}}); err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// authenticate checks the password of the account name under the login
// throttle. When it is refused or wrong, it answers with the page name
// showing v and reports false.
func (a *app) authenticate(w http.ResponseWriter, r *http.Request, name, page string, v view) (user, bool) {
	attempt, wait, err := a.site.BeginLogin(r, name)
	if err != nil {
		a.tooMany(w, r, wait, page, v)
		return user{}, false
	}
	defer attempt.Release()
	u, ok := a.users.check(name, r.PostFormValue("password"))
	if !ok {
		attempt.Fail()
		v.Error = "Wrong username or password." // the same whether the user exists or not
		a.render(w, r, http.StatusUnauthorized, page, v)
		return user{}, false
	}
	attempt.Succeed(w)
	return u, true
}

// logout ends the session on the server and clears the browser's copy.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	if err := a.site.Logout(w, r); err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// devices lists the user's sessions.
func (a *app) devices(w http.ResponseWriter, r *http.Request) {
	list, err := a.sessions.List(r.Context(), sessiond.FromContext(r.Context()).UserID())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "devices", view{Title: "Your devices", Sessions: list})
}

// revoke signs one of the user's other sessions out, or all of them
// ("others").
func (a *app) revoke(w http.ResponseWriter, r *http.Request) {
	current, id := sessiond.FromContext(r.Context()), r.PostFormValue("revoke")
	var err error
	if id == "others" {
		_, err = current.RevokeOthers(r.Context(), sessiond.ReasonUser)
	} else {
		err = a.revokeOne(r, current, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/devices", http.StatusSeeOther)
}

// revokeOne ends the session id if it belongs to the current session's
// user; another user's session is left alone, as if it did not exist.
func (a *app) revokeOne(r *http.Request, current *sessiond.Session, id string) error {
	s, found, err := a.sessions.Get(r.Context(), id)
	if err != nil || !found || s.UserID() != current.UserID() {
		return err
	}
	return s.Revoke(r.Context(), sessiond.ReasonRevoked)
}

// reauthForm asks for the password again. Any session may re-authenticate,
// one the anomaly policy stopped too, hence FromContextAny (this site has
// no second factor, so no login of it is ever half-finished).
func (a *app) reauthForm(w http.ResponseWriter, r *http.Request) {
	if sessiond.FromContextAny(r.Context()) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	a.render(w, r, http.StatusOK, "reauth", view{Title: "Confirm it's you", Next: sessiond.NextPath(r.FormValue("next"), "/account")})
}

// reauth checks the password again: the session gets a fresh login time
// and a new token.
func (a *app) reauth(w http.ResponseWriter, r *http.Request) {
	s := sessiond.FromContextAny(r.Context())
	if s == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	v := view{Title: "Confirm it's you", Next: sessiond.NextPath(r.PostFormValue("next"), "/account")}
	if _, ok := a.authenticate(w, r, a.users.name(s.UserID()), "reauth", v); !ok {
		return
	}
	if _, err := s.Reauth(r.Context(), []string{"pwd"}); err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

// changePassword sets a new password. The route demands a fresh login,
// which proved the current password. A change of password is a change of
// privilege: the session gets a new token, and by default every other
// session of the user ends.
func (a *app) changePassword(w http.ResponseWriter, r *http.Request) {
	s := sessiond.FromContext(r.Context())
	if err := a.users.setPassword(s.UserID(), r.PostFormValue("new_password")); err != nil {
		a.render(w, r, http.StatusBadRequest, "password", view{Title: "Change your password", Error: "Choose a password of 8 to 1024 characters."})
		return
	}
	if _, err := s.Renew(r.Context()); err != nil {
		a.fail(w, r, err)
		return
	}
	if r.PostFormValue("revoke_others") != "" {
		if _, err := s.RevokeOthers(r.Context(), sessiond.ReasonUser); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
}
