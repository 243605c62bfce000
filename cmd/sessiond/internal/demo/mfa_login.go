package demo

import (
	"net/http"

	"github.com/sessiond/sessiond"
)

// Session data of a pending login.
const (
	rememberKey = "login_remember" // the login form's "remember" box
	nextKey     = "login_next"     // where the login goes afterwards
	triesKey    = "login_mfa_tries"
)

// maxCodeTries is how many wrong codes end a pending login.
const maxCodeTries = 5

// pending returns the request's half-finished login, or nil.
func pending(r *http.Request) *sessiond.Session {
	if sess := sessiond.FromContextAny(r.Context()); sess != nil && sess.State() == sessiond.StatePending {
		return sess
	}
	return nil
}

// mfaLoginForm asks for the second step of a pending login.
func (s *Site) mfaLoginForm(w http.ResponseWriter, r *http.Request) {
	if pending(r) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login_mfa", view{Title: "Two-step login"})
}

// mfaLogin checks the code and finishes the login with a new session that
// replaces the pending one (R22, R26).
func (s *Site) mfaLogin(w http.ResponseWriter, r *http.Request) {
	sess := pending(r)
	if sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	user, ok := s.cfg.Users.ByID(sess.UserID())
	if !ok || user.Disabled || !user.MFA() {
		s.cfg.Manager.Logout(r.Context())
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	client := s.cfg.Manager.Client(r)
	// Codes are throttled like passwords (R55): one who knows the password
	// must not guess codes faster than passwords.
	attempt, wait, err := s.throttle.Begin(normalize(user.Name), client.IP, r)
	if err != nil {
		s.tooMany(w, r, wait, "login_mfa", view{Title: "Two-step login"})
		return
	}
	defer attempt.Release()
	step, ok := checkTOTP(user.TOTPSecret, r.PostFormValue("code"), user.TOTPLastStep, s.cfg.Now())
	if !ok || !s.cfg.Users.UseTOTPStep(user.ID, step) {
		attempt.Fail()
		s.wrongCode(w, r, sess, user)
		return
	}
	attempt.Succeed(w)
	remember, _ := sessiond.Get[bool](sess, rememberKey)
	next, _ := sessiond.Get[string](sess, nextKey)
	full, err := s.cfg.Manager.Login(r.Context(), sessiond.LoginInfo{UserID: user.ID, Methods: []string{"pwd", "totp"}, Persistent: remember})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.loggedIn(r, full, "pwd+totp")
	http.Redirect(w, r, s.next(next), http.StatusSeeOther)
}

// wrongCode counts a wrong code in the pending login; too many end it.
func (s *Site) wrongCode(w http.ResponseWriter, r *http.Request, sess *sessiond.Session, user User) {
	client := s.cfg.Manager.Client(r)
	s.cfg.Manager.Audit(r.Context(), sessiond.Event{Type: sessiond.EventLoginFailed, UserID: user.ID, SessionID: sess.ID(), IP: client.IP, UserAgent: client.UserAgent, Reason: "totp"})
	tries, _ := sessiond.Get[int](sess, triesKey)
	if tries+1 >= maxCodeTries {
		if err := sess.Revoke(r.Context(), sessiond.ReasonMFAFailed); err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnauthorized, "login", view{Title: "Log in", Error: "Too many wrong codes. Please log in again."})
		return
	}
	sess.Set(triesKey, tries+1)
	s.render(w, r, http.StatusUnauthorized, "login_mfa", view{Title: "Two-step login", Error: "That code is not right. Please try the newest one."})
}
