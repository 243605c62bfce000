package demo

import (
	"net/http"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// reauthSession returns the session that may re-authenticate: an active
// one, or one the anomaly policy stopped; a pending login may not.
func reauthSession(r *http.Request) *sessiond.Session {
	sess := sessiond.FromContextAny(r.Context())
	if sess == nil || sess.State() == sessiond.StatePending {
		return nil
	}
	return sess
}

// reauthForm asks for the password again, and for a code of a user with
// two-step login.
func (s *Site) reauthForm(w http.ResponseWriter, r *http.Request) {
	sess := reauthSession(r)
	if sess == nil {
		s.toLogin(w, r, "")
		return
	}
	v := view{Title: "Confirm it's you", Session: sess, Next: s.nextOf(r)}
	if sess.State() == sessiond.StateReauthRequired {
		v.Reason = "Your session changed browsers, so we need to check it's still you."
	}
	s.render(w, r, http.StatusOK, "reauth", v)
}

// reauth checks the password (and code) and refreshes auth_time with a new
// token (R23, R39).
func (s *Site) reauth(w http.ResponseWriter, r *http.Request) {
	sess := reauthSession(r)
	if sess == nil {
		s.toLogin(w, r, "")
		return
	}
	user, ok := s.cfg.Users.ByID(sess.UserID())
	next := s.next(r.PostFormValue("next"))
	client := s.cfg.Manager.Client(r)
	attempt, wait, err := s.throttle.Begin(normalize(user.Name), client.IP, r)
	if err != nil {
		s.tooMany(w, r, wait, "reauth", view{Title: "Confirm it's you", Session: sess, Next: next})
		return
	}
	defer attempt.Release()
	methods, good := s.proveAgain(r, user, ok)
	if !good {
		attempt.Fail()
		msg := "That password is not right."
		if user.MFA() {
			msg = "That password or code is not right."
		}
		s.render(w, r, http.StatusUnauthorized, "reauth", view{Title: "Confirm it's you", Session: sess, Next: next, Error: msg})
		return
	}
	attempt.Succeed(w)
	if _, err := sess.Reauth(r.Context(), methods); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// proveAgain checks the password, and the code of a user with two-step
// login, and returns the methods proven.
func (s *Site) proveAgain(r *http.Request, user User, exists bool) ([]string, bool) {
	if !exists || user.Disabled {
		return nil, false
	}
	if ok, err := pwhash.Check(user.PasswordHash, r.PostFormValue("password")); !ok || err != nil {
		return nil, false
	}
	if !user.MFA() {
		return []string{"pwd"}, true
	}
	step, ok := checkTOTP(user.TOTPSecret, r.PostFormValue("code"), user.TOTPLastStep, s.cfg.Now())
	if !ok || !s.cfg.Users.UseTOTPStep(user.ID, step) {
		return nil, false
	}
	return []string{"pwd", "totp"}, true
}

// next is where a login or re-authentication returns: target when it is a
// page of a site behind forward-auth whose origin is one of ReturnOrigins
// (as forward-auth names it in rd), else a path of this site
// (sessiond.NextPath), else the account page.
func (s *Site) next(target string) string {
	if back, ok := s.cfg.ReturnOrigins.ReturnURL(target); ok {
		return back
	}
	return sessiond.NextPath(target, "/account")
}

// nextOf is where the form page r asks for should return: its rd, from
// forward-auth, else its next.
func (s *Site) nextOf(r *http.Request) string {
	q := r.URL.Query()
	if q.Has("rd") {
		return s.next(q.Get("rd"))
	}
	return s.next(q.Get("next"))
}
