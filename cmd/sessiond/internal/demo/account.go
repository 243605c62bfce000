package demo

import (
	"net/http"
	"slices"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/useragent"
)

func (s *Site) account(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account", view{Title: "Your account"})
}

// deviceRow is one line of the devices page.
type deviceRow struct {
	ID, Device, IP    string
	Created, LastSeen time.Time
	Current           bool
	// KeyAlg is the algorithm of the key the session is bound to (Device
	// Bound Session Credentials), and KeyID that key's thumbprint; both
	// are empty for a session that is not bound.
	KeyAlg, KeyID string
}

// sessions lists the user's sessions, this one marked (R34, R56), and
// those bound to a device key.
func (s *Site) sessions(w http.ResponseWriter, r *http.Request) {
	current := sessiond.FromContext(r.Context())
	list, err := s.cfg.Manager.List(r.Context(), current.UserID())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]deviceRow, 0, len(list))
	for _, sess := range list {
		key := sess.Device()
		rows = append(rows, deviceRow{
			ID: sess.ID(), Device: useragent.Describe(sess.UserAgent()), IP: sess.IP(),
			Created: sess.CreatedAt(), LastSeen: sess.LastSeenAt(), Current: sess.ID() == current.ID(),
			KeyAlg: key.Alg, KeyID: key.Thumbprint(),
		})
	}
	// This device first, then the others, most recently active first.
	slices.SortStableFunc(rows, func(a, b deviceRow) int {
		switch {
		case a.Current == b.Current:
			return 0
		case a.Current:
			return -1
		}
		return 1
	})
	s.render(w, r, http.StatusOK, "sessions", view{Title: "Your devices", Sessions: rows})
}

// revokeSession signs one of the user's own sessions out. A session of
// another user is not theirs to end, and is answered like a missing one.
func (s *Site) revokeSession(w http.ResponseWriter, r *http.Request) {
	current := sessiond.FromContext(r.Context())
	id := r.PostFormValue("session_id")
	target, found, err := s.cfg.Manager.Get(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if found && target.UserID() == current.UserID() && id != current.ID() {
		if err := target.Revoke(r.Context(), sessiond.ReasonRevoked); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/account/sessions?done=revoked", http.StatusSeeOther)
}

// revokeOthers signs every other session of the user out (R33, R34).
func (s *Site) revokeOthers(w http.ResponseWriter, r *http.Request) {
	current := sessiond.FromContext(r.Context())
	if _, err := current.RevokeOthers(r.Context(), sessiond.ReasonUser); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/sessions?done=others", http.StatusSeeOther)
}
