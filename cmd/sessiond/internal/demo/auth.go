package demo

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
	"github.com/sessiond/sessiond/secheaders"
)

// failedLogin is the one answer to a wrong username or a wrong password,
// so that the answer does not tell whether the user exists (R50).
const failedLogin = "Wrong username or password."

// shortPassword and longPassword answer a new password the site does not
// take: under minPassword bytes, or too long to hash.
const (
	shortPassword = "That password is too short. Please use at least 12 characters: a few words together are easy to remember."
	longPassword  = "That password is too long. Please use a shorter one."
)

// refusedName is the one answer to a sign-up whose username is taken or
// malformed: it does not say "taken" (see the package doc).
const refusedName = "That username cannot be used. Please choose another: 3 to 32 letters, digits, dots, dashes or underscores."

// home says what the demo shows and what to try.
func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", view{Title: "Sessions you can see"})
}

// notFound answers a path the site does not serve.
func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "notfound", view{Title: "Page not found"})
}

func (s *Site) signupForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signup", view{Title: "Sign up"})
}

// signup creates an account and signs it in. Sign-ups are limited per
// client address, each counted before its password is hashed.
func (s *Site) signup(w http.ResponseWriter, r *http.Request) {
	name, pw := r.PostFormValue("username"), r.PostFormValue("password")
	again := view{Title: "Sign up", Username: name} // the form again, as typed but for the password
	if len(pw) < minPassword {
		again.Error = shortPassword
		s.render(w, r, http.StatusBadRequest, "signup", again)
		return
	}
	if wait, ok := s.signups.Take(s.cfg.Manager.Client(r).IP); !ok {
		s.tooMany(w, r, wait, "signup", again)
		return
	}
	hash, err := s.cfg.Passwords.Hash(pw)
	if err != nil {
		again.Error = longPassword
		s.render(w, r, http.StatusBadRequest, "signup", again)
		return
	}
	user, err := s.cfg.Users.Add(name, hash)
	if errors.Is(err, ErrBadUsername) || errors.Is(err, ErrUserExists) {
		again.Error = refusedName
		s.render(w, r, http.StatusBadRequest, "signup", again)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sess, err := s.cfg.Manager.Login(r.Context(), sessiond.LoginInfo{UserID: user.ID, Methods: []string{"pwd"}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.loggedIn(r, sess, "pwd")
	http.Redirect(w, r, "/account?done=signup", http.StatusSeeOther)
}

// loginForm shows the login form; a signed-in visitor goes to the account.
func (s *Site) loginForm(w http.ResponseWriter, r *http.Request) {
	if sessiond.FromContext(r.Context()) != nil {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", view{Title: "Log in", Next: s.nextOf(r)})
}

// login checks a password, throttled per client and account (R55). A user
// with two-step login gets a pending session and the second step.
func (s *Site) login(w http.ResponseWriter, r *http.Request) {
	name, pw := normalize(r.PostFormValue("username")), r.PostFormValue("password")
	// The form again, as typed but for the password.
	again := view{Title: "Log in", Username: r.PostFormValue("username"), Remember: r.PostFormValue("remember") == "1", Next: s.next(r.PostFormValue("next"))}
	client := s.cfg.Manager.Client(r)
	attempt, wait, err := s.throttle.Begin(name, client.IP, r)
	if err != nil {
		s.tooMany(w, r, wait, "login", again)
		return
	}
	defer attempt.Release()
	user, ok := s.checkPassword(name, pw)
	if !ok || user.Disabled {
		attempt.Fail()
		s.cfg.Manager.Audit(r.Context(), sessiond.Event{Type: sessiond.EventLoginFailed, UserID: user.ID, IP: client.IP, UserAgent: client.UserAgent, Reason: "password"})
		again.Error = failedLogin
		s.render(w, r, http.StatusUnauthorized, "login", again)
		return
	}
	if !user.MFA() {
		// A user with two-step login has proven nothing yet: the browser
		// becomes known, and the run of failures ends, after the code.
		// Until then the deferred Release gives the attempt back.
		attempt.Succeed(w)
	}
	info := sessiond.LoginInfo{UserID: user.ID, Methods: []string{"pwd"}, Persistent: again.Remember, Pending: user.MFA()}
	sess, err := s.cfg.Manager.Login(r.Context(), info)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := again.Next
	if user.MFA() {
		sess.Set(rememberKey, info.Persistent)
		sess.Set(nextKey, next)
		http.Redirect(w, r, "/login/mfa", http.StatusSeeOther)
		return
	}
	s.loggedIn(r, sess, "pwd")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loggedIn audits a finished login: login.succeeded, with the methods
// proven, for the session that grants access, once per login (see the
// package doc).
func (s *Site) loggedIn(r *http.Request, sess *sessiond.Session, methods string) {
	client := s.cfg.Manager.Client(r)
	s.cfg.Manager.Audit(r.Context(), sessiond.Event{Type: sessiond.EventLoginSucceeded, UserID: sess.UserID(), SessionID: sess.ID(), IP: client.IP, UserAgent: client.UserAgent, Reason: methods})
}

// tooMany answers an attempt the throttle refused (a login, a second
// step, a re-authentication, a sign-up) with page and v: 429 with a
// generic message and the wait, the same whichever rule refused it.
func (s *Site) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, page string, v view) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
	v.Error = "Too many attempts. Please wait a moment and try again."
	s.render(w, r, http.StatusTooManyRequests, page, v)
}

// checkPassword finds the user called name and checks pw, taking as long
// when there is no such user (R50).
func (s *Site) checkPassword(name, pw string) (User, bool) {
	user, found := s.cfg.Users.ByName(name)
	if !found {
		return User{}, s.cfg.Passwords.CheckNobody(pw)
	}
	ok, err := pwhash.Check(user.PasswordHash, pw)
	return user, ok && err == nil
}

// logout ends the session on the server and tells the browser to forget
// the site's cookies, storage and cache (R28, R30).
func (s *Site) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Manager.Logout(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	secheaders.ClearSiteData(w)
	http.Redirect(w, r, "/login?done=logout", http.StatusSeeOther)
}

// me answers who is signed in, for scripts: {"user", "user_id"} or 401.
func (s *Site) me(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	sess := sessiond.FromContext(r.Context())
	user, ok := User{}, false
	if sess != nil {
		user, ok = s.cfg.Users.ByID(sess.UserID())
	}
	if !ok || user.Disabled {
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]string{"error": "unauthenticated"})
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"user": user.Name, "user_id": user.ID})
}

// fail answers an error the visitor cannot fix, without its details. A
// session that ended, or a token that is no longer the session's current
// one (a rotated-out token inside its grace window), sends the browser to
// the login page like any other invalid token.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, sessiond.ErrInvalidToken) {
		s.toLogin(w, r, "")
		return
	}
	status := http.StatusServiceUnavailable
	if errors.Is(err, sessiond.ErrHeadersWritten) {
		status = http.StatusInternalServerError
	}
	s.render(w, r, status, "message", view{Title: "Something went wrong. Please try again."})
}
