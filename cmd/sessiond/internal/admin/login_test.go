package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/throttle"
)

func TestLogin_Success(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	resp, _ := b.get("/admin/")
	wantRedirect(t, resp, "/admin/login")
	resp, body := b.get("/admin/login")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="password"`) || b.token == "" {
		t.Fatalf("login page: got %d, want 200 with a form and a CSRF token", resp.StatusCode)
	}
	resp, _ = b.post("/admin/login", url.Values{"username": {opName}, "password": {opPassword}})
	wantRedirect(t, resp, "/admin/")
	var admin *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == CookieName {
			admin = c
		}
	}
	if admin == nil || !admin.Secure || !admin.HttpOnly || admin.SameSite != http.SameSiteStrictMode || admin.Path != "/" || admin.Domain != "" {
		t.Errorf("got cookie %+v, want %s Secure HttpOnly SameSite=Strict Path=/", admin, CookieName)
	}
	resp, body = b.get("/admin/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<span class="who" title="Signed in operator">root</span>`) {
		t.Errorf("home page: got %d, want 200 naming the operator", resp.StatusCode)
	}
	if !strings.Contains(body, `action="/admin/logout"`) {
		t.Error("the page has no sign-out control (R29)")
	}
	evs := e.events(sessiond.EventQuery{UserID: "operator:root", Type: sessiond.EventLoginSucceeded})
	if len(evs) != 1 || evs[0].SessionID == "" || evs[0].IP != "127.0.0.1" {
		t.Errorf("got %+v, want one login.succeeded with session id and IP", evs)
	}
	// Signed in, the login page sends the operator on.
	resp, _ = b.get("/admin/login")
	wantRedirect(t, resp, "/admin/")
}

// A wrong password and an unknown user get the same answer, and both are
// audited as login.failed.
func TestLogin_SameAnswer_R50(t *testing.T) {
	e := newEnv(t)
	answers := map[string]string{}
	for _, name := range []string{opName, "ghost"} {
		b := e.browser()
		b.get("/admin/login")
		resp, body := b.post("/admin/login", url.Values{"username": {name}, "password": {"wrong password"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(strings.ToLower(body), "wrong username or password") {
			t.Errorf("%s: got %d, want 401 with the generic message", name, resp.StatusCode)
		}
		if b.cookie(CookieName) != "" {
			t.Errorf("%s: an operator cookie was set", name)
		}
		body = tokenRE.ReplaceAllString(body, "")
		answers[name] = strings.ReplaceAll(body, `value="`+name+`"`, `value="NAME"`)
		if evs := e.events(sessiond.EventQuery{UserID: "operator:" + name, Type: sessiond.EventLoginFailed}); len(evs) != 1 {
			t.Errorf("%s: got %d login.failed events, want 1", name, len(evs))
		}
	}
	if answers[opName] != answers["ghost"] {
		t.Errorf("the answers differ:\n%s\n---\n%s", answers[opName], answers["ghost"])
	}
}

func TestLogin_Throttle_R55(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/admin/login")
	for i := range 5 {
		if resp, _ := b.post("/admin/login", url.Values{"username": {opName}, "password": {"guess"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp, body := b.post("/admin/login", url.Values{"username": {opName}, "password": {opPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, msgThrottled) {
		t.Fatalf("sixth attempt: got %d, Retry-After %q, want 429 with a wait", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if b.cookie(CookieName) != "" {
		t.Fatal("a throttled attempt signed in")
	}
	e.clock.Advance(2 * time.Second)
	resp, _ = b.post("/admin/login", url.Values{"username": {opName}, "password": {opPassword}})
	wantRedirect(t, resp, "/admin/")
}

// TestLogin_ConcurrentGuesses_R55 sends 16 wrong passwords for one
// operator at once from one address. The throttle's clock makes every
// request pass the throttle's check before any failure is recorded
// (fakeclock.Clock.Burst), as a password check of 0.2 s would: still no
// more are checked than one at a time would be (5), and the rest are
// refused.
func TestLogin_ConcurrentGuesses_R55(t *testing.T) {
	throttleClock := fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	e := newEnv(t, func(c *Config) { c.Throttle = throttle.New(throttle.Config{Now: throttleClock.Now}) })
	const n = 16
	browsers := make([]*browser, n)
	for i := range browsers {
		browsers[i] = e.browser()
		browsers[i].get("/admin/login")
	}
	codes := make([]int, n)
	throttleClock.Burst(n, func(i int) {
		resp, _ := browsers[i].post("/admin/login", url.Values{"username": {opName}, "password": {"guess"}})
		codes[i] = resp.StatusCode
	})
	answers := map[int]int{}
	for _, code := range codes {
		answers[code]++
	}
	if want := n - throttle.DefaultFreeFailures; answers[http.StatusTooManyRequests] < want || answers[http.StatusTooManyRequests]+answers[http.StatusUnauthorized] != n {
		t.Errorf("%d guesses at once: got %v (status: count), want at least %d 429s and the rest 401s", n, answers, want)
	}
	if failed := len(e.events(sessiond.EventQuery{UserID: "operator:" + opName, Type: sessiond.EventLoginFailed})); failed > throttle.DefaultFreeFailures {
		t.Errorf("got %d passwords checked and failed, want at most %d", failed, throttle.DefaultFreeFailures)
	}
}

func TestLogin_Next(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	resp, _ := b.get("/admin/audit?user_id=alice")
	wantRedirect(t, resp, "/admin/login?next=%2Fadmin%2Faudit%3Fuser_id%3Dalice")
	_, body := b.get(resp.Header.Get("Location"))
	if !strings.Contains(body, `name="next" value="/admin/audit?user_id=alice"`) {
		t.Fatal("the login form does not carry next")
	}
	resp, _ = b.post("/admin/login", url.Values{"username": {opName}, "password": {opPassword}, "next": {"/admin/audit?user_id=alice"}})
	wantRedirect(t, resp, "/admin/audit?user_id=alice")
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/admin/audit?type=login.failed", "/admin/audit?type=login.failed"},
		{"/admin/", "/admin/"},
		{"", "/admin/"},
		{"https://evil.example/admin/", "/admin/"},
		{"//evil.example/admin/", "/admin/"},
		{"/admin//evil.example", "/admin/"},
		{"/admin/\\evil.example", "/admin/"},
		{"/account", "/admin/"},
		{"/admin/login", "/admin/"},
		{"/admin/\r\nSet-Cookie: x=y", "/admin/"},
		{"javascript:alert(1)", "/admin/"},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPages_RequireLogin(t *testing.T) {
	e := newEnv(t)
	s := e.login("alice", "203.0.113.5", firefoxWindows)
	b := e.browser()
	for _, path := range []string{"/admin/", "/admin/?user_id=alice", "/admin/audit"} {
		resp, body := b.get(path)
		wantRedirect(t, resp, "/admin/login")
		if strings.Contains(body, "alice") && path != "/admin/?user_id=alice" {
			t.Errorf("%s: the redirect shows data", path)
		}
	}
	b.get("/admin/login") // a pre-session token: the CSRF check passes
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{"/admin/sessions/revoke", url.Values{"session_id": {s.ID()}}},
		{"/admin/users/revoke", url.Values{"user_id": {"alice"}}},
		{"/admin/sessions/revoke-all", url.Values{"confirm": {"all"}}},
	} {
		resp, _ := b.post(tc.path, tc.form)
		wantRedirect(t, resp, "/admin/login")
	}
	if !e.alive(s.ID()) {
		t.Error("a request without an operator session ended a session")
	}
}

func TestLogout_R28_R30(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	cookie := b.cookie(CookieName)
	resp, _ := b.post("/admin/logout", nil)
	wantRedirect(t, resp, "/admin/login")
	if got := resp.Header.Get("Clear-Site-Data"); got != `"cache", "cookies", "storage"` {
		t.Errorf("Clear-Site-Data: got %q", got)
	}
	if b.cookie(CookieName) != "" {
		t.Error("the operator cookie was not expired")
	}
	_, body := b.get("/admin/login?signed_out=1")
	if !strings.Contains(body, msgSignedOut) {
		t.Error("the login page does not say the operator signed out")
	}
	// The old cookie is dead on the server too.
	r, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/admin/", nil)
	r.AddCookie(&http.Cookie{Name: CookieName, Value: cookie})
	resp, _ = e.browser().do(r)
	wantRedirect(t, resp, "/admin/login")
	// Logout is POST only.
	if resp, _ := e.operator().get("/admin/logout"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /admin/logout: got %d, want 405", resp.StatusCode)
	}
}

func TestOperatorSession_IdleTimeout_R35(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	e.clock.Advance(14 * time.Minute)
	if resp, _ := b.get("/admin/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after 14 minutes: got %d, want 200", resp.StatusCode)
	}
	e.clock.Advance(DefaultIdleTimeout + time.Second)
	resp, _ := b.get("/admin/")
	wantRedirect(t, resp, "/admin/login")
}

func TestOperatorSession_AbsoluteTimeout_R36(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	for elapsed := time.Duration(0); elapsed < DefaultAbsoluteTimeout-10*time.Minute; elapsed += 10 * time.Minute {
		e.clock.Advance(10 * time.Minute)
		if resp, _ := b.get("/admin/"); resp.StatusCode != http.StatusOK {
			t.Fatalf("after %v of activity: got %d, want 200", elapsed, resp.StatusCode)
		}
	}
	e.clock.Advance(11 * time.Minute)
	resp, _ := b.get("/admin/")
	wantRedirect(t, resp, "/admin/login")
}

// An operator removed from the operators file is signed out at once.
func TestOperatorRemoved_R31(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	e.ops.remove(opName)
	resp, _ := b.get("/admin/")
	wantRedirect(t, resp, "/admin/login")
	if evs := e.events(sessiond.EventQuery{UserID: "operator:root", Type: sessiond.EventRevoked}); len(evs) != 1 {
		t.Errorf("got %d session.revoked events for the operator, want 1", len(evs))
	}
}

// An operator whose password is replaced (sessiond admin reset-password)
// is signed out at once everywhere, and signs in with the new one (R33).
func TestOperatorPasswordReset_SignsOut_R33(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	if resp, _ := b.get("/admin/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("before the reset: got %d, want 200", resp.StatusCode)
	}
	e.ops.setPassword(opName, "a new operator password")
	resp, _ := b.get("/admin/")
	wantRedirect(t, resp, "/admin/login")
	if evs := e.events(sessiond.EventQuery{UserID: "operator:root", Type: sessiond.EventRevoked}); len(evs) != 1 {
		t.Errorf("got %d session.revoked events for the operator, want 1", len(evs))
	}
}

// Operator sessions live in a store of their own: the application's lists
// never show them and its "revoke everything" leaves them alone.
func TestOperatorSessions_Private(t *testing.T) {
	e := newEnv(t)
	b := e.operator()
	if list, _ := e.app.List(context.Background(), "operator:root"); len(list) != 0 {
		t.Errorf("the application lists %d operator sessions, want 0", len(list))
	}
	if recs, _ := e.store.ListUser(context.Background(), "operator:root"); len(recs) != 0 {
		t.Errorf("the application store holds %d operator sessions, want 0", len(recs))
	}
	if n, _ := e.app.RevokeEverything(context.Background()); n != 0 {
		t.Errorf("RevokeEverything ended %d sessions, want 0", n)
	}
	if resp, _ := b.get("/admin/"); resp.StatusCode != http.StatusOK {
		t.Errorf("after RevokeEverything: got %d, want 200 (still signed in)", resp.StatusCode)
	}
}
