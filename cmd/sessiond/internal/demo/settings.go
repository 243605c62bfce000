package demo

import (
	"bytes"
	"image/png"
	"net/http"

	"github.com/pquerna/otp"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// enrolKey is the session data that holds a TOTP secret being set up.
const enrolKey = "mfa_enrol_uri"

func (s *Site) passwordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", view{Title: "Change your password"})
}

// changePassword needs a fresh login (R39), rotates the session (R24) and
// by default signs out every other session (R33).
func (s *Site) changePassword(w http.ResponseWriter, r *http.Request) {
	sess := sessiond.FromContext(r.Context())
	user, _ := s.cfg.Users.ByID(sess.UserID())
	again := view{Title: "Change your password", KeepOthers: r.PostFormValue("revoke_others") == ""}
	if ok, err := pwhash.Check(user.PasswordHash, r.PostFormValue("current_password")); !ok || err != nil {
		again.Error = "Your current password is not right."
		s.render(w, r, http.StatusUnauthorized, "password", again)
		return
	}
	newPW := r.PostFormValue("new_password")
	if len(newPW) < minPassword {
		again.Error = shortPassword
		s.render(w, r, http.StatusBadRequest, "password", again)
		return
	}
	hash, err := s.cfg.Passwords.Hash(newPW)
	if err != nil {
		again.Error = longPassword
		s.render(w, r, http.StatusBadRequest, "password", again)
		return
	}
	if err := s.cfg.Users.Update(user.ID, func(u *User) { u.PasswordHash = hash }); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.afterPrivilegeChange(r, sess); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
}

// afterPrivilegeChange rotates the session and, when asked, ends the
// user's other sessions.
func (s *Site) afterPrivilegeChange(r *http.Request, sess *sessiond.Session) error {
	if _, err := sess.Renew(r.Context()); err != nil {
		return err
	}
	if r.PostFormValue("revoke_others") == "" {
		return nil
	}
	_, err := sess.RevokeOthers(r.Context(), sessiond.ReasonUser)
	return err
}

// mfaForm shows two-step login settings; for a user without it, a new
// secret to enrol, kept (sealed) in the session until confirmed.
func (s *Site) mfaForm(w http.ResponseWriter, r *http.Request) {
	sess := sessiond.FromContext(r.Context())
	user, _ := s.cfg.Users.ByID(sess.UserID())
	v := view{Title: "Two-step login"}
	if !user.MFA() {
		uri, ok := sessiond.Get[string](sess, enrolKey)
		if !ok {
			var err error
			if uri, err = newTOTPKey(user.Name); err != nil {
				s.fail(w, r, err)
				return
			}
			sess.Set(enrolKey, uri)
		}
		v.OTPAuthURI = uri
	}
	s.render(w, r, http.StatusOK, "mfa", v)
}

// mfaQR draws the secret being enrolled as a QR code.
func (s *Site) mfaQR(w http.ResponseWriter, r *http.Request) {
	uri, ok := sessiond.Get[string](sessiond.FromContext(r.Context()), enrolKey)
	key, err := otp.NewKeyFromURL(uri)
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	img, err := key.Image(200, 200)
	var buf bytes.Buffer
	if err != nil || png.Encode(&buf, img) != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// enrolMFA turns two-step login on once the user proves the app works.
func (s *Site) enrolMFA(w http.ResponseWriter, r *http.Request) {
	sess := sessiond.FromContext(r.Context())
	user, _ := s.cfg.Users.ByID(sess.UserID())
	uri, _ := sessiond.Get[string](sess, enrolKey)
	key, err := otp.NewKeyFromURL(uri)
	if user.MFA() || err != nil {
		http.Redirect(w, r, "/account/mfa", http.StatusSeeOther)
		return
	}
	step, ok := checkTOTP(key.Secret(), r.PostFormValue("code"), 0, s.cfg.Now())
	if !ok {
		again := view{Title: "Two-step login", OTPAuthURI: uri, KeepOthers: r.PostFormValue("revoke_others") == "", Error: "That code is not right. Please try the newest one."}
		s.render(w, r, http.StatusBadRequest, "mfa", again)
		return
	}
	if err := s.cfg.Users.Update(user.ID, func(u *User) { u.TOTPSecret, u.TOTPLastStep = key.Secret(), step }); err != nil {
		s.fail(w, r, err)
		return
	}
	sess.Delete(enrolKey)
	if err := s.afterPrivilegeChange(r, sess); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=mfa", http.StatusSeeOther)
}
