package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/dbsctest"
)

// The sessions page lists a user's sessions: device, IP address, created,
// last seen; never a token.
func TestSessionsPage_R34(t *testing.T) {
	e := newEnv(t)
	first := e.login("alice", "203.0.113.5", firefoxWindows)
	e.clock.Advance(3 * time.Minute)
	second := e.login("alice", "198.51.100.7", safariIPhone)
	e.login("bob", "192.0.2.1", firefoxWindows)
	e.clock.Advance(2 * time.Minute)
	b := e.operator()
	resp, body := b.get("/admin/?user_id=alice")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d, want 200", resp.StatusCode)
	}
	for _, want := range []string{
		first.ID(), second.ID(), "Firefox 128 on Windows", "Safari 17 on iOS",
		"203.0.113.5", "198.51.100.7", "2026-03-01 09:00 UTC", "2026-03-01 09:03 UTC",
		"5 min ago", "2 live sessions", `datetime="2026-03-01T09:00:00Z"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "192.0.2.1") {
		t.Error("the page shows bob's session")
	}
	if strings.Index(body, second.ID()) > strings.Index(body, first.ID()) {
		t.Error("the most recently active session is not first")
	}
	_, body = b.get("/admin/?user_id=nobody")
	if !strings.Contains(body, "No live sessions") {
		t.Error("an unknown user's page does not say there are no sessions")
	}
}

func TestRevokeSession_R32(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice", "203.0.113.5", firefoxWindows)
	kept := e.login("alice", "203.0.113.5", safariIPhone)
	b := e.operator()
	b.get("/admin/?user_id=alice")
	resp, _ := b.post("/admin/sessions/revoke", url.Values{"session_id": {s.ID()}, "user_id": {"alice"}})
	wantRedirect(t, resp, "/admin/?user_id=alice")
	if e.alive(s.ID()) || !e.alive(kept.ID()) {
		t.Fatal("got the wrong session ended")
	}
	if _, _, err := e.app.Load(context.Background(), e.tokens[0], sessiond.Client{IP: "203.0.113.5", UserAgent: firefoxWindows}); !errors.Is(err, sessiond.ErrInvalidToken) {
		t.Errorf("the revoked token: got %v, want ErrInvalidToken", err)
	}
	_, body := b.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "Session ended.") {
		t.Error("the page after the action does not say what happened")
	}
	if _, body = b.get("/admin/?user_id=alice"); strings.Contains(body, "Session ended.") {
		t.Error("the message is shown twice")
	}
	resp, _ = b.post("/admin/sessions/revoke", url.Values{"session_id": {s.ID()}, "user_id": {"alice"}})
	if _, body = b.get(resp.Header.Get("Location")); !strings.Contains(body, "already ended") {
		t.Error("revoking an ended session does not say so")
	}
}

func TestRevokeUser_R32(t *testing.T) {
	e := newEnv(t)
	a1 := e.login("alice", "203.0.113.5", firefoxWindows)
	a2 := e.login("alice", "203.0.113.6", safariIPhone)
	bob := e.login("bob", "192.0.2.1", firefoxWindows)
	b := e.operator()
	b.get("/admin/?user_id=alice")
	resp, _ := b.post("/admin/users/revoke", url.Values{"user_id": {"alice"}})
	wantRedirect(t, resp, "/admin/?user_id=alice")
	if e.alive(a1.ID()) || e.alive(a2.ID()) || !e.alive(bob.ID()) {
		t.Fatal("got the wrong sessions ended")
	}
	if _, body := b.get(resp.Header.Get("Location")); !strings.Contains(body, "Ended 2 sessions of alice.") {
		t.Error("the page after the action does not say what happened")
	}
}

func TestRevokeEverything_R32(t *testing.T) {
	e := newEnv(t)
	a := e.login("alice", "203.0.113.5", firefoxWindows)
	bob := e.login("bob", "192.0.2.1", firefoxWindows)
	b := e.operator()
	for _, confirm := range []string{"", "yes", "ALL"} {
		resp, _ := b.post("/admin/sessions/revoke-all", url.Values{"confirm": {confirm}})
		wantRedirect(t, resp, "/admin/")
		if _, body := b.get("/admin/"); !strings.Contains(body, "Nothing was ended") {
			t.Errorf("confirm %q: the page does not say nothing was ended", confirm)
		}
	}
	if !e.alive(a.ID()) || !e.alive(bob.ID()) {
		t.Fatal("an unconfirmed request ended sessions")
	}
	resp, _ := b.post("/admin/sessions/revoke-all", url.Values{"confirm": {"all"}})
	wantRedirect(t, resp, "/admin/")
	if e.alive(a.ID()) || e.alive(bob.ID()) {
		t.Fatal("sessions survived")
	}
	resp, body := b.get("/admin/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Ended every session: 2 sessions in all.") {
		t.Errorf("got %d, want 200 saying 2 sessions ended; the operator stays signed in", resp.StatusCode)
	}
}

func TestSessionsPage_BadInput(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	long := strings.Repeat("x", maxIDLen+1)
	resp, body := b.get("/admin/?user_id=" + long)
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(body, long) {
		t.Errorf("an over-long user id: got %d, want 400 without echo", resp.StatusCode)
	}
	for _, form := range []url.Values{{"session_id": {""}}, {"session_id": {long}}} {
		if resp, _ := b.post("/admin/sessions/revoke", form); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("revoke %v: got %d, want 400", form, resp.StatusCode)
		}
	}
	if resp, _ := b.post("/admin/users/revoke", url.Values{"user_id": {""}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("revoke a user without id: got %d, want 400", resp.StatusCode)
	}
	for _, after := range []string{"not-a-cursor", "12.", long, "<script>"} {
		if resp, body := b.get("/admin/?after=" + url.QueryEscape(after)); resp.StatusCode != http.StatusBadRequest || strings.Contains(body, after) {
			t.Errorf("after=%q: got %d, want 400 without echo", after, resp.StatusCode)
		}
	}
	xss := `<script>alert(1)</script>`
	e.login(xss, "203.0.113.5", `"><img src=x onerror=alert(1)>`)
	for _, page := range []string{"/admin/?user_id=" + url.QueryEscape(xss), "/admin/"} {
		if _, body = b.get(page); strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s does not escape a user id or User-Agent", page)
		}
	}
}

// When the store cannot answer, the UI says so and does nothing (R51).
func TestStoreDown_R51(t *testing.T) {
	e := newEnv(t)
	e.login("alice", "203.0.113.5", firefoxWindows)
	b := e.operator()
	e.store.mu.Lock()
	e.store.failing = true
	e.store.mu.Unlock()
	resp, body := b.get("/admin/?user_id=alice")
	if resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, errDown.Error()) {
		t.Errorf("got %d, want 503 with a generic message", resp.StatusCode)
	}
	if resp, _ := b.post("/admin/sessions/revoke-all", url.Values{"confirm": {"all"}}); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("revoke everything: got %d, want 503", resp.StatusCode)
	}
}

// No token of any session, application or operator, is ever in a page
// (R8, R10).
func TestNoTokenInHTML_R10(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Users = &fakeUsers{users: []*User{{ID: "alice", Name: "Alice"}}} })
	for range 3 {
		e.login("alice", "203.0.113.5", firefoxWindows)
	}
	b := e.operator()
	b.get("/admin/?user_id=alice")
	b.get("/admin/?user_id=Alice")
	b.get("/admin/audit")
	b.get("/admin/audit?user_id=alice")
	resp, _ := b.post("/admin/users/disable", url.Values{"user_id": {"alice"}})
	b.get(resp.Header.Get("Location"))
	secrets := append([]string{b.cookie(CookieName)}, e.tokens...)
	if len(b.bodies) < 6 {
		t.Fatalf("got %d pages, want at least 6", len(b.bodies))
	}
	for _, body := range b.bodies {
		for _, secret := range secrets {
			if secret != "" && strings.Contains(body, secret) {
				t.Fatalf("a page holds a session token")
			}
		}
	}
}

// Without a search, the home page lists the sessions of every user, the
// newest logins first, a page at a time, with the names the directory
// knows (R32, R34).
func TestSessionsPage_EveryUser_R32_R34(t *testing.T) {
	users := &fakeUsers{users: []*User{{ID: "u-42", Name: "alice"}}}
	e := newEnv(t, func(c *Config) { c.Users = users })
	var want []string // newest first
	for i := range pageSize + 2 {
		user := "u-42"
		if i%2 == 1 {
			user = "<b>bob</b>"
		}
		want = append([]string{e.login(user, "203.0.113.5", firefoxWindows).ID()}, want...)
		e.clock.Advance(time.Second)
	}
	b := e.operator()
	resp, body := b.get("/admin/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d, want 200", resp.StatusCode)
	}
	var got []string
	for page := body; ; {
		got = append(got, sessionIDs(page)...)
		next := nextPage(page)
		if next == "" {
			break
		}
		if len(got) > len(want) {
			t.Fatal("the pages do not end")
		}
		if resp, page = b.get(next); resp.StatusCode != http.StatusOK || !strings.Contains(page, `href="/admin/">← Newest</a>`) {
			t.Fatalf("%s: got %d, want 200 with a link to the first page", next, resp.StatusCode)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %d sessions in this order, want %d, the newest first:\n%v\n%v", len(got), len(want), got, want)
	}
	for _, w := range []string{`<div><a href="/admin/?user_id=u-42">alice</a></div>`, `<a href="/admin/?user_id=%3cb%3ebob%3c%2fb%3e" class="mono">&lt;b&gt;bob&lt;/b&gt;</a>`, "50 live sessions on this page"} {
		if !strings.Contains(body, w) {
			t.Errorf("the first page lacks %q", w)
		}
	}
	if strings.Contains(body, "<b>bob") {
		t.Error("the page does not escape a user id")
	}
}

// sessionRE finds the session id of each revoke button of a page.
var sessionRE = regexp.MustCompile(`name="session_id" value="([^"]+)"`)

// sessionIDs returns the ids of the sessions a page lists, in order.
func sessionIDs(body string) []string {
	var ids []string
	for _, m := range sessionRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// With a store that cannot list every session, the home page says so and
// the search by user still works.
func TestSessionsPage_StoreCannotListEveryUser(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		m, err := sessiond.New(struct{ sessiond.Store }{c.Audit.(sessiond.Store)}, sessiond.Config{Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		c.Manager = m
	})
	s := e.login("alice", "203.0.113.5", firefoxWindows)
	b := e.operator()
	if resp, body := b.get("/admin/"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "cannot list every session") {
		t.Errorf("got %d, want 200 saying the store cannot list every session", resp.StatusCode)
	}
	if _, body := b.get("/admin/?user_id=alice"); !strings.Contains(body, s.ID()) {
		t.Error("the search by user does not find the session")
	}
}

// TestSessionsPage_DeviceBound shows which sessions are bound to a device
// key, with the key's thumbprint, and no badge on the others.
func TestSessionsPage_DeviceBound(t *testing.T) {
	e := newEnv(t)
	e.login("alice", "203.0.113.5", firefoxWindows)
	bound := e.login("alice", "198.51.100.7", safariIPhone)
	dev, err := dbsctest.NewDevice()
	if err != nil {
		t.Fatal(err)
	}
	offer, _ := dbsctest.ParseOffer(e.app.DeviceOffer(bound))
	if _, err := e.app.RegisterDevice(context.Background(), e.tokens[1], sessiond.Client{}, sessiond.DeviceRequest{
		Response: dev.Registration(offer.Challenge, offer.Authorization), Origin: "https://app.example",
	}); err != nil {
		t.Fatal(err)
	}
	s, _, err := e.app.Get(context.Background(), bound.ID())
	if err != nil {
		t.Fatal(err)
	}
	b := e.operator()
	for _, path := range []string{"/admin/?user_id=alice", "/admin/"} {
		_, body := b.get(path)
		if n := strings.Count(body, ">device-bound</span>"); n != 1 {
			t.Errorf("%s: %d device-bound badges, want 1", path, n)
		}
		if !strings.Contains(body, "key "+s.Device().Thumbprint()) {
			t.Errorf("%s lacks the key's thumbprint", path)
		}
	}
}
