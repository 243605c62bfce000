package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessiond/sessiond"
)

func TestAuditPage_Filter(t *testing.T) {
	e := newEnv(t)
	a := e.login("alice", "203.0.113.5", firefoxWindows)
	e.login("bob", "192.0.2.1", safariIPhone)
	e.app.RevokeID(context.Background(), a.ID(), sessiond.ReasonRevoked)
	b := e.operator()
	for _, tc := range []struct {
		name, query string
		want, not   []string
	}{
		{"all", "", []string{"alice", "bob", "session.revoked", "operator:root"}, nil},
		{"by user", "?user_id=alice", []string{"alice", "session.created", "session.revoked", "Firefox 128 on Windows"}, []string{`>bob<`, "192.0.2.1"}},
		{"by type", "?type=session.revoked", []string{"alice", "revoked"}, []string{"192.0.2.1", `ev-session-created"`}},
		{"by session", "?session_id=" + a.ID(), []string{"session.created", "session.revoked"}, []string{"192.0.2.1"}},
		{"nothing", "?user_id=nobody", []string{"No events match"}, []string{"<table"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := b.get("/admin/audit" + tc.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("got %d, want 200", resp.StatusCode)
			}
			_, rows, _ := strings.Cut(body, "<tbody>")
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(rows, n) {
					t.Errorf("the rows hold %q", n)
				}
			}
		})
	}
	_, body := b.get("/admin/audit?type=session.revoked")
	if !strings.Contains(body, `<option value="session.revoked" selected>`) {
		t.Error("the type select does not keep the filter")
	}
}

func TestAuditPage_NewestFirstInPages(t *testing.T) {
	e := newEnv(t)
	for range auditLimit + 10 {
		e.app.Audit(context.Background(), sessiond.Event{Type: sessiond.EventLoginFailed, UserID: "alice"})
	}
	e.app.Audit(context.Background(), sessiond.Event{Type: sessiond.EventLoginFailed, UserID: "latest"})
	b := e.operator()
	_, body := b.get("/admin/audit?type=login.failed")
	if got := strings.Count(body, `<span class="ev ev-login-failed">`); got != auditLimit {
		t.Errorf("the first page: got %d rows, want %d", got, auditLimit)
	}
	if i, j := strings.Index(body, ">latest<"), strings.Index(body, ">alice<"); i < 0 || i > j {
		t.Error("the newest event is not first")
	}
	next := nextPage(body)
	if !strings.Contains(next, "type=login.failed") || !strings.Contains(next, "before=") {
		t.Fatalf("the next page: got %q, want the address of the next page of the same filter", next)
	}
	resp, body := b.get(next)
	if got := strings.Count(body, `<span class="ev ev-login-failed">`); resp.StatusCode != http.StatusOK || got != 11 {
		t.Errorf("the second page: got %d with %d rows, want 200 with 11", resp.StatusCode, got)
	}
	if nextPage(body) != "" || !strings.Contains(body, `href="/admin/audit?type=login.failed">← Newest</a>`) {
		t.Error("the last page links further, or not back to the first")
	}
}

// With a directory, the audit log takes a user's name as well as an id.
func TestAuditPage_ByUserName(t *testing.T) {
	users := &fakeUsers{users: []*User{{ID: "u-42", Name: "alice"}, {ID: "u-7", Name: "bob"}}}
	e := newEnv(t, func(c *Config) { c.Users = users })
	a := e.login("u-42", "203.0.113.5", firefoxWindows)
	e.login("u-7", "192.0.2.1", safariIPhone)
	b := e.operator()
	for _, q := range []string{"alice", "u-42"} {
		_, body := b.get("/admin/audit?user_id=" + q)
		_, rows, _ := strings.Cut(body, "<tbody>")
		if !strings.Contains(rows, a.ID()) || strings.Contains(rows, "192.0.2.1") {
			t.Errorf("user_id=%s: the rows are not alice's", q)
		}
		if !strings.Contains(body, `value="`+q+`"`) {
			t.Errorf("user_id=%s: the filter does not keep what was typed", q)
		}
	}
	if _, body := b.get("/admin/audit?user_id=alice"); !strings.Contains(body, `Events of <a href="/admin/?user_id=u-42">alice</a> <code>u-42</code>.`) {
		t.Error("the page does not say whose events it found by name")
	}
}

func TestAuditPage_BadInput(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	for _, q := range []string{
		"?type=" + url.QueryEscape("<script>"),
		"?type=session.unknown",
		"?user_id=" + strings.Repeat("x", maxIDLen+1),
		"?before=" + url.QueryEscape("<script>"),
		"?before=" + strings.Repeat("9", maxIDLen+1),
	} {
		resp, body := b.get("/admin/audit" + q)
		if resp.StatusCode != http.StatusBadRequest || strings.Contains(body, "<script>") {
			t.Errorf("%s: got %d, want 400 without echo", q, resp.StatusCode)
		}
	}
	e.app.Audit(context.Background(), sessiond.Event{Type: sessiond.EventLoginFailed, UserID: "<b>x</b>", UserAgent: "<script>alert(1)</script>", Reason: "<i>"})
	if _, body := b.get("/admin/audit"); strings.Contains(body, "<script>alert") || strings.Contains(body, "<b>x") || strings.Contains(body, "<i>") {
		t.Error("the page does not escape an event's fields")
	}
}

func TestAuditPage_HiddenWithoutStore(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Audit = nil })
	b := e.operator()
	if _, body := b.get("/admin/"); strings.Contains(body, `href="/admin/audit"`) {
		t.Error("the page links to an audit page that does not exist")
	}
	if resp, _ := b.get("/admin/audit"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("got %d, want 404", resp.StatusCode)
	}
}

// An operator's actions are audit events naming the operator as their
// actor, and the audit page shows who acted (R32, R52).
func TestAuditPage_OperatorIsTheActor_R32_R52(t *testing.T) {
	users := &fakeUsers{users: []*User{{ID: "u-42", Name: "alice"}, {ID: "u-7", Name: "bob"}}}
	e := newEnv(t, func(c *Config) { c.Users = users })
	one := e.login("u-42", "203.0.113.5", firefoxWindows)
	e.login("u-42", "203.0.113.6", safariIPhone)
	own := e.login("u-7", "192.0.2.1", firefoxWindows)
	own.Revoke(context.Background(), sessiond.ReasonLogout) // bob's own logout
	b := e.operator()
	b.post("/admin/sessions/revoke", url.Values{"session_id": {one.ID()}})
	b.post("/admin/users/disable", url.Values{"user_id": {"u-42"}})
	b.post("/admin/users/enable", url.Values{"user_id": {"u-42"}})
	b.post("/admin/users/revoke", url.Values{"user_id": {"u-7"}})
	b.post("/admin/sessions/revoke-all", url.Values{"confirm": {"all"}})
	want := []struct {
		typ          sessiond.EventType
		user, reason string
	}{
		{sessiond.EventRevoked, "", sessiond.ReasonAll},
		{sessiond.EventUserEnabled, "u-42", ""},
		{sessiond.EventRevoked, "u-42", sessiond.ReasonUser},
		{sessiond.EventUserDisabled, "u-42", ""},
		{sessiond.EventRevoked, "u-42", sessiond.ReasonRevoked},
	}
	got := e.events(sessiond.EventQuery{Limit: len(want) + 1})
	for i, w := range want {
		if g := got[i]; g.Type != w.typ || g.UserID != w.user || g.Reason != w.reason || g.Actor != "operator:root" {
			t.Errorf("event %d: got %s %q %q by %q, want %s %q %q by operator:root", i, g.Type, g.UserID, g.Reason, g.Actor, w.typ, w.user, w.reason)
		}
	}
	if g := got[len(want)]; g.Type != sessiond.EventLoginSucceeded || g.Actor != "" {
		t.Errorf("the operator's login: got %s by %q, want login.succeeded by no one", g.Type, g.Actor)
	}
	if logout := e.events(sessiond.EventQuery{SessionID: own.ID(), Type: sessiond.EventRevoked}); len(logout) != 1 || logout[0].Actor != "" {
		t.Errorf("bob's own logout: got %+v, want one event by no one", logout)
	}
	_, body := b.get("/admin/audit?type=user.disabled")
	if !strings.Contains(body, `<th>By</th>`) || !strings.Contains(body, `<td class="by"><a href="/admin/audit?user_id=operator%3aroot" class="mono" title="Acted for the user">operator:root</a>`) {
		t.Errorf("the audit page does not show who acted:\n%s", body)
	}
	if !strings.Contains(body, `<span class="ev ev-user-disabled">user.disabled</span>`) {
		t.Error("the audit page does not show user.disabled")
	}
}

// An audit store that cannot page shows its newest events, and no more.
func TestAuditPage_StoreThatCannotPage(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Audit = struct{ sessiond.AuditStore }{c.Audit} })
	for range auditLimit + 1 {
		e.app.Audit(context.Background(), sessiond.Event{Type: sessiond.EventLoginFailed, UserID: "alice"})
	}
	b := e.operator()
	resp, body := b.get("/admin/audit?type=login.failed")
	if got := strings.Count(body, `<span class="ev ev-login-failed">`); resp.StatusCode != http.StatusOK || got != auditLimit || nextPage(body) != "" {
		t.Errorf("got %d with %d rows and a next page %q, want 200 with %d and none", resp.StatusCode, got, nextPage(body), auditLimit)
	}
	if resp, _ := b.get("/admin/audit?before=1"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a cursor: got %d, want 400", resp.StatusCode)
	}
}
