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

// refusedName is the one answer to a sign-up whose username is taken or
// malformed: it does not say "taken" (see the package doc).
const refusedName = "That username cannot be used. Please choose another: 3 to 32 letters, digits, dots, dashes or underscores."

// home sends a visitor to their account or to the login page.
func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	target := "/login"
	if sessiond.FromContext(r.Context()) != nil {
		target = "/account"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (s *Site) signupForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signup", view{Title: "Sign up"})
}

// signup creates an account and signs it in. Sign-ups are limited per
// client address, each counted before its password is hashed.
func (s *Site) signup(w http.ResponseWriter, r *http.Request) {
	name, pw := r.PostFormValue("username"), r.PostFormValue("password")
	if len(pw) < minPassword {
		s.render(w, r, http.StatusBadRequest, "signup", view{Title: "Sign up", Error: ErrWeakPassword.Error()})
		return
	}
	if wait, ok := s.signups.Take(s.cfg.Manager.Client(r).IP); !ok {
		s.tooMany(w, r, wait, "signup", view{Title: "Sign up"})
		return
	}
	hash, err := s.cfg.Passwords.Hash(pw)
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "signup", view{Title: "Sign up", Error: "That password is too long."})
		return
	}
	user, err := s.cfg.Users.Add(name, hash)
	if errors.Is(err, ErrBadUsername) || errors.Is(err, ErrUserExists) {
		s.render(w, r, http.StatusBadRequest, "signup", view{Title: "Sign up", Error: refusedName})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cfg.Manager.Login(r.Context(), sessiond.LoginInfo{UserID: user.ID, Methods: []string{"pwd"}}); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=signup", http.StatusSeeOther)
}

// loginForm shows the login form; a signed-in visitor goes to the account.
func (s *Site) loginForm(w http.ResponseWriter, r *http.Request) {
	if sessiond.FromContext(r.Context()) != nil {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", view{Title: "Log in", Next: safeNext(r.URL.Query().Get("next"))})
}

// login checks a password, throttled per client and account (R55). A user
// with two-step login gets a pending session and the second step.
func (s *Site) login(w http.ResponseWriter, r *http.Request) {
	name, pw := normalize(r.PostFormValue("username")), r.PostFormValue("password")
	client := s.cfg.Manager.Client(r)
	attempt, wait, err := s.throttle.Begin(name, client.IP, r)
	if err != nil {
		s.tooMany(w, r, wait, "login", view{Title: "Log in"})
		return
	}
	defer attempt.Release()
	user, ok := s.checkPassword(name, pw)
	if !ok || user.Disabled {
		attempt.Fail()
		s.cfg.Manager.Audit(r.Context(), sessiond.Event{Type: sessiond.EventLoginFailed, UserID: user.ID, IP: client.IP, UserAgent: client.UserAgent, Reason: "password"})
		s.render(w, r, http.StatusUnauthorized, "login", view{Title: "Log in", Error: failedLogin})
		return
	}
	if !user.MFA() {
		// A user with two-step login has proven nothing yet: the browser
		// becomes known, and the run of failures ends, after the code.
		// Until then the deferred Release gives the attempt back.
		attempt.Succeed(w)
	}
	info := sessiond.LoginInfo{UserID: user.ID, Methods: []string{"pwd"}, Persistent: r.PostFormValue("remember") == "1", Pending: user.MFA()}
	sess, err := s.cfg.Manager.Login(r.Context(), info)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := safeNext(r.PostFormValue("next"))
	if user.MFA() {
		sess.Set(rememberKey, info.Persistent)
		sess.Set(nextKey, next)
		http.Redirect(w, r, "/login/mfa", http.StatusSeeOther)
		return
	}
	s.cfg.Manager.Audit(r.Context(), sessiond.Event{Type: sessiond.EventLoginSucceeded, UserID: user.ID, SessionID: sess.ID(), IP: client.IP, UserAgent: client.UserAgent, Reason: "pwd"})
	http.Redirect(w, r, next, http.StatusSeeOther)
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
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	status := http.StatusServiceUnavailable
	if errors.Is(err, sessiond.ErrHeadersWritten) {
		status = http.StatusInternalServerError
	}
	s.render(w, r, status, "message", view{Title: "Something went wrong. Please try again."})
}
