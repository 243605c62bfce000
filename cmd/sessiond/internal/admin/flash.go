package admin

import (
	"net/http"

	"github.com/sessiond/sessiond"
)

// flashKey is the operator session's key of the pending flash message.
const flashKey = "flash"

// Kinds of flash messages.
const (
	flashOK    = "ok"
	flashInfo  = "info"
	flashError = "error"
)

// flash is a message an action leaves for the page it redirects to
// (post, redirect, get).
type flash struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// setFlash leaves a message for the next page of the operator.
func (u *UI) setFlash(op operator, kind, text string) {
	if err := op.session.Set(flashKey, flash{Kind: kind, Text: text}); err != nil {
		u.cfg.Log.Error("admin: keeping a message", "error", err)
	}
}

// takeFlash returns the pending message, if any, and forgets it.
func (u *UI) takeFlash(r *http.Request, s *sessiond.Session) *flash {
	var f flash
	found, err := s.Lookup(flashKey, &f)
	if err != nil {
		u.cfg.Log.Error("admin: reading a message", "path", r.URL.Path, "error", err)
	}
	if !found {
		return nil
	}
	s.Delete(flashKey)
	return &f
}

// redirect sends the operator to target with a flash message, after an
// action.
func (u *UI) redirect(w http.ResponseWriter, r *http.Request, op operator, target, kind, text string) {
	u.setFlash(op, kind, text)
	http.Redirect(w, r, target, http.StatusSeeOther)
}
