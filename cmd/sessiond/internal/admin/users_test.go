package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Disabling a user ends all of the user's sessions at once (R31).
func TestDisableUser_R31(t *testing.T) {
	users := &fakeUsers{users: []*User{{ID: "u-42", Name: "alice"}, {ID: "u-7", Name: "bob"}}}
	e := newEnv(t, func(c *Config) { c.Users = users })
	a1 := e.login("u-42", "203.0.113.5", firefoxWindows)
	a2 := e.login("u-42", "203.0.113.6", safariIPhone)
	bob := e.login("u-7", "192.0.2.1", firefoxWindows)
	b := e.operator()
	_, body := b.get("/admin/?user_id=alice")
	for _, want := range []string{a1.ID(), a2.ID(), "u-42", `action="/admin/users/disable"`, "enabled"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page found by name lacks %q", want)
		}
	}
	resp, _ := b.post("/admin/users/disable", url.Values{"user_id": {"u-42"}})
	wantRedirect(t, resp, "/admin/?user_id=u-42")
	if !users.disabled("u-42") || e.alive(a1.ID()) || e.alive(a2.ID()) {
		t.Fatal("the user is not disabled, or a session survived")
	}
	if users.disabled("u-7") || !e.alive(bob.ID()) {
		t.Fatal("another user was touched")
	}
	_, body = b.get(resp.Header.Get("Location"))
	for _, want := range []string{"Disabled alice and ended 2 sessions", `action="/admin/users/enable"`, "badge-bad"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page after disabling lacks %q", want)
		}
	}
	resp, _ = b.post("/admin/users/enable", url.Values{"user_id": {"u-42"}})
	wantRedirect(t, resp, "/admin/?user_id=u-42")
	if users.disabled("u-42") {
		t.Error("the user is still disabled")
	}
	resp, _ = b.post("/admin/users/disable", url.Values{"user_id": {"alice"}})
	if _, body = b.get(resp.Header.Get("Location")); !strings.Contains(body, "No user has that id.") || users.disabled("u-42") {
		t.Error("a name in place of an id was taken")
	}
}

// Without a UserDirectory the controls are hidden and the routes absent.
func TestDisableUser_HiddenWithoutDirectory(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice", "203.0.113.5", firefoxWindows)
	b := e.operator()
	if _, body := b.get("/admin/?user_id=alice"); strings.Contains(body, "/admin/users/disable") {
		t.Error("the page offers to disable a user")
	}
	if resp, _ := b.post("/admin/users/disable", url.Values{"user_id": {"alice"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("got %d, want 404", resp.StatusCode)
	}
	if !e.alive(s.ID()) {
		t.Error("the session was ended")
	}
}
