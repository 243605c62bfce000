package admin

import (
	"fmt"
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

// The users page lists the directory's users a page at a time, and
// searches them by part of a name or an id.
func TestUsersPage(t *testing.T) {
	users := &fakeUsers{}
	for i := range pageSize + 3 {
		users.users = append(users.users, &User{ID: fmt.Sprintf("u-%02d", i), Name: fmt.Sprintf("user%02d", i)})
	}
	users.users[0].Name, users.users[1].Name = "Alice", "<i>alicia</i>"
	users.users[1].Disabled = true
	e := newEnv(t, func(c *Config) { c.Users = users })
	b := e.operator()
	resp, body := b.get("/admin/users")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<a href="/admin/users" aria-current="page">Users</a>`) {
		t.Fatalf("got %d, want 200 with the Users section current", resp.StatusCode)
	}
	if got := strings.Count(body, `<div class="id">u-`); got != pageSize {
		t.Errorf("the first page: got %d users, want %d", got, pageSize)
	}
	next := nextPage(body)
	if next == "" {
		t.Fatal("the first page does not link to the next")
	}
	_, body = b.get(next)
	if got := strings.Count(body, `<div class="id">u-`); got != 3 || nextPage(body) != "" || !strings.Contains(body, "← Newest") {
		t.Errorf("the last page: got %d users, want 3, with a link to the first and none further", got)
	}
	_, body = b.get("/admin/users?q=ALI")
	for _, w := range []string{`<a href="/admin/?user_id=u-00">Alice</a>`, `&lt;i&gt;alicia&lt;/i&gt;`, "badge-bad", `href="/admin/audit?user_id=u-01"`} {
		if !strings.Contains(body, w) {
			t.Errorf("the search lacks %q", w)
		}
	}
	if got := strings.Count(body, `<div class="id">u-`); got != 2 || strings.Contains(body, "<i>alicia") {
		t.Errorf("the search: got %d users, want 2, escaped", got)
	}
	if _, body = b.get("/admin/users?q=" + url.QueryEscape("u-0")); strings.Count(body, `<div class="id">u-`) != 10 {
		t.Error("a search by part of an id does not find the ten users")
	}
	if _, body = b.get("/admin/users?q=nobody"); !strings.Contains(body, "No users match this search.") {
		t.Error("an empty search does not say so")
	}
	for _, q := range []string{"?after=bad", "?q=" + strings.Repeat("x", maxIDLen+1)} {
		if resp, _ := b.get("/admin/users" + q); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: got %d, want 400", q, resp.StatusCode)
		}
	}
}

// Without a UserDirectory there is no users page.
func TestUsersPage_HiddenWithoutDirectory(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	if _, body := b.get("/admin/"); strings.Contains(body, `href="/admin/users"`) {
		t.Error("the page links to a users page that does not exist")
	}
	if resp, _ := b.get("/admin/users"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("got %d, want 404", resp.StatusCode)
	}
}
