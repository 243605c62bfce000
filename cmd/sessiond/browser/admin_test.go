package browser

import (
	"strings"
	"testing"
)

// TestBrowser_AdminLists_R32 signs a user up on the demo site, then an
// operator into the admin UI in another browser context: the operator
// finds the user's session in the list of every session and the user in
// the list of users (by part of the name), ends the session from the
// list, which signs the user out (R32), and finds the event in the audit
// log by the user's name, with the operator as the one who acted.
func TestBrowser_AdminLists_R32(t *testing.T) {
	srv := startServer(t, nil)
	user := &tab{t: t, name: "user", ctx: startChromium(t), base: srv.base}
	user.open("/signup")
	user.wantPath("sign-up", user.submit("/signup", "username", "alice", "password", "a long enough password"), "/account?done=signup")

	op := newDevice(t, user, "operator")
	op.open("/admin/login")
	op.wantPath("admin login", op.submit("/admin/login", "username", srv.operator, "password", srv.password), "/admin/")
	if rows, who := op.count(`tbody tr`), op.text(`tbody tr td a`); rows != 1 || who != "alice" {
		t.Fatalf("every session: got %d rows, the first of %q; want alice's session alone", rows, who)
	}
	op.screenshot("admin-sessions.png")
	op.open("/admin/users?q=ALI")
	if rows, who := op.count(`tbody tr`), op.text(`tbody tr td a`); rows != 1 || who != "alice" {
		t.Errorf("users matching ALI: got %d rows, the first %q; want alice", rows, who)
	}
	op.screenshot("admin-users.png")

	op.open("/admin/")
	op.wantPath("revoke from the list", op.submit("/admin/sessions/revoke"), "/admin/")
	if got := op.text(`.flash`); !strings.HasPrefix(got, "Session ended.") {
		t.Errorf("after the revocation: got the message %q", got)
	}
	if got := op.count(`tbody tr`); got != 0 {
		t.Errorf("every session after the revocation: got %d rows, want none", got)
	}
	if got := user.open("/account"); !strings.HasPrefix(got, "/login") {
		t.Errorf("the user's account page after the revocation: the browser is on %q, want the login", got)
	}

	op.open("/admin/audit?type=session.revoked&user_id=alice")
	if rows, by := op.count(`tbody tr`), op.text(`tbody tr td.by`); rows != 1 || by != "operator:"+srv.operator {
		t.Errorf("alice's revocations: got %d rows, the first by %q; want one, by operator:%s", rows, by, srv.operator)
	}
	op.screenshot("admin-audit.png")
}
