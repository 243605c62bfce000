package demo

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// auditLog reads the store's audit log, oldest first.
func (s *testSite) auditLog() []sessiond.Event {
	s.t.Helper()
	events, err := s.store.QueryEvents(s.t.Context(), sessiond.EventQuery{Limit: sessiond.MaxEventLimit})
	if err != nil {
		s.t.Fatal(err)
	}
	slices.Reverse(events)
	return events
}

// story tells the events of the log from index from on, one line each:
// the type, the session as a letter in the order the sessions appear (A,
// B, …) and the reason. Every event must be the user's, with the client's
// address and User-Agent.
func story(t *testing.T, log []sessiond.Event, from int, user User) []string {
	t.Helper()
	letters := map[string]string{}
	var lines []string
	for _, e := range log[from:] {
		if e.UserID != user.ID || e.IP == "" || e.UserAgent == "" {
			t.Errorf("R52 %s: user %q, IP %q, User-Agent %q; want %s's, with the client's address and User-Agent", e.Type, e.UserID, e.IP, e.UserAgent, user.Name)
		}
		letter := letters[e.SessionID]
		if letter == "" {
			letter = string(rune('A' + len(letters)))
			letters[e.SessionID] = letter
		}
		lines = append(lines, strings.TrimSpace(strings.Join([]string{string(e.Type), letter, e.Reason}, " ")))
	}
	return lines
}

// wantStory fails the test unless got is want.
func wantStory(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: the audit log says\n\t%s\nwant\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestAudit_LoginFormWritesNothing_R52: the login form's pre-session is a
// cookie, not a session: showing the form, refusing a forged one and
// showing the sign-up form write no event; a wrong password writes one
// login.failed and no session.
func TestAudit_LoginFormWritesNothing_R52(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	for range 3 {
		b.get("/login")
	}
	s.browser().get("/signup")
	b.post("/login", url.Values{"username": {"alice"}, "password": {testPassword}, "csrf_token": {"forged"}})
	if log := s.auditLog(); len(log) != 0 {
		t.Fatalf("the login form wrote %d events, the first %s; want none", len(log), log[0].Type)
	}
	s.browser().signup("alice")
	before := len(s.auditLog())
	b.login("alice", "not the password at all")
	wantStory(t, "a wrong password", story(t, s.auditLog(), before, s.mustUser("alice")), []string{"login.failed A password"})
}

// TestAudit_OneLoginOneStory_R52 queries the audit store after each kind
// of login: every one reads as the package doc tells, and a two-step one
// as pending, then completed.
func TestAudit_OneLoginOneStory_R52(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	alice := s.mustUser("alice")
	wantStory(t, "sign-up", story(t, s.auditLog(), 0, alice), []string{
		"session.created A",
		"login.succeeded A pwd",
	})

	before := len(s.auditLog())
	other := s.browser()
	other.mustLogin("alice")
	wantStory(t, "password login", story(t, s.auditLog(), before, alice), []string{
		"session.created A",
		"login.succeeded A pwd",
	})

	secret := b.enrolTOTP()
	b.logout()
	s.nextStep()
	before = len(s.auditLog())
	wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
	wantStatus(t, "wrong code", b.secondStep("000000"), 401)
	wantRedirect(t, "second step", b.secondStep(s.code(secret)), "/account")
	wantStory(t, "two-step login", story(t, s.auditLog(), before, alice), []string{
		"session.created A pending",  // the password was right
		"login.failed A totp",        // a wrong code
		"session.revoked A login",    // the pending login is finished…
		"session.created B",          // …by the session that grants access
		"login.succeeded B pwd+totp", // once, for that session
	})

	before = len(s.auditLog())
	c := s.browser()
	wantRedirect(t, "password step", c.login("alice", testPassword), "/login/mfa")
	for range maxCodeTries {
		c.secondStep("000000")
	}
	wantStory(t, "two-step login ended by wrong codes", story(t, s.auditLog(), before, alice), []string{
		"session.created A pending",
		"login.failed A totp", "login.failed A totp", "login.failed A totp", "login.failed A totp", "login.failed A totp",
		"session.revoked A mfa_failed",
	})

	s.clock.Advance(time.Minute) // past the wrong codes' backoff
	before = len(s.auditLog())
	d := s.browser()
	wantRedirect(t, "password step", d.login("alice", testPassword), "/login/mfa")
	s.clock.Advance(sessiond.DefaultPendingTimeout + time.Second)
	d.get("/login/mfa")
	wantStory(t, "two-step login left alone", story(t, s.auditLog(), before, alice), []string{
		"session.created A pending",
		"session.expired A absolute",
	})
}
