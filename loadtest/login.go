package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/sessiond/sessiond"
)

// loginValue is the value a login sets in its new session: 200 bytes, as
// a site might keep a user's name, roles and preferences.
var loginValue = strings.Repeat("v", 200)

// loginHandler returns the middleware around a handler that logs a user
// in on every request and sets loginValue in the new session, as a
// login form's handler does: in login mode with [sessiond.Session.Set]
// after [sessiond.Manager.Login], in logindata mode as the login's
// LoginInfo.Data. The users are o.sessions, in turn. Every audit event is
// kept in the store, as the service keeps them, so that the audit append
// is measured too.
func loginHandler(ctx context.Context, o options) (http.Handler, func(), error) {
	s, err := openStore(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	as, ok := s.(sessiond.AuditStore)
	if !ok {
		s.Close()
		return nil, nil, fmt.Errorf("%s store keeps no audit events", o.store)
	}
	m, err := sessiond.New(s, sessiond.Config{
		Auditor:       sessiond.StoreAuditor{Store: as, Next: quiet{}},
		TouchInterval: touchEvery,
	})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	answer := answer(o.typed)
	var next atomic.Uint64
	users := uint64(max(o.sessions, 1))
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := sessiond.LoginInfo{
			UserID:  "user-" + strconv.FormatUint(next.Add(1)%users, 10),
			Methods: []string{"pwd"},
		}
		if o.mode == "logindata" {
			info.Data = map[string]any{"v": loginValue}
		}
		sess, err := m.Login(r.Context(), info)
		if err == nil && o.mode == "login" {
			err = sess.Set("v", loginValue)
		}
		if err != nil {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		answer(w)
	}))
	return h, func() { s.Close() }, nil
}
