package browser

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// startDBSCChromium starts a Chromium that binds sessions to keys it
// keeps in its profile (Device Bound Session Credentials, with software
// keys as there is no TPM). It trusts the development certificate by its
// public key: with the certificate errors merely ignored, Chromium
// ignores the offer to bind too.
func startDBSCChromium(t *testing.T, srv *demoServer) context.Context {
	t.Helper()
	return launchChromium(t,
		chromedp.Flag("ignore-certificate-errors-spki-list", spkiHash(t, srv.certFile)),
		// This replaces chromedp's default list of features, which DBSC
		// does without. A bound cookie of seconds makes Chromium refresh
		// ahead after every request (it does when the cookie ends within
		// two minutes), and its refresh quota then refused the sixth
		// refresh within seconds: the test is of the server, so the quota
		// is off.
		chromedp.Flag("enable-features", "DeviceBoundSessions:RefreshQuota/false,EnableBoundSessionCredentialsSoftwareKeysForManualTesting"),
	)
}

// spkiHash is the base64 SHA-256 of the public key of the PEM certificate
// in file, as --ignore-certificate-errors-spki-list wants it.
func spkiHash(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s: no PEM certificate", file)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// boundLife is the server's --bound-cookie-lifetime: short, so that the
// test sees the browser's own timer run the bound cookie out.
const boundLife = 2 * time.Second

// auditEvent is an audit record as the server logs it.
type auditEvent struct {
	Msg       string
	Type      string
	UserID    string `json:"user_id"`
	SessionID string `json:"session_id"`
	Reason    string
}

// audit returns the audit events of type typ the server logged so far.
func (s *demoServer) audit(typ string) []auditEvent {
	var out []auditEvent
	for line := range strings.Lines(s.logs.String()) {
		var e auditEvent
		if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "audit" && e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// awaitAudit waits, for at most a step's time, until the server has
// logged n events of type typ, and returns them: a browser binds and
// refreshes in the background, after the page that caused it loaded.
func (s *demoServer) awaitAudit(t *testing.T, typ string, n int) []auditEvent {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		got := s.audit(typ)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v the server logged %d %s events, want %d", stepTimeout, len(got), typ, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dbscEvents records the browser's own account of its bound sessions,
// from the DevTools protocol.
type dbscEvents struct {
	mu     sync.Mutex
	events []*network.EventDeviceBoundSessionEventOccurred
}

// watchDBSC starts recording the device-bound-session events of the tab.
func watchDBSC(tb *tab) *dbscEvents {
	tb.t.Helper()
	d := &dbscEvents{}
	chromedp.Listen(tb.ctx, func(ev any) {
		if e, ok := ev.(*network.EventDeviceBoundSessionEventOccurred); ok {
			d.mu.Lock()
			d.events = append(d.events, e)
			d.mu.Unlock()
		}
	})
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.EnableDeviceBoundSessions, network.EnableDeviceBoundSessionsParams{Enable: true}); err != nil {
		tb.t.Fatalf("%s: enabling the device-bound-session events: %v", tb.name, err)
	}
	return d
}

// await waits, for at most a step's time, for an event that match
// accepts among those from the from'th on (see mark), and returns it.
func (d *dbscEvents) await(t *testing.T, what string, from int, match func(*network.EventDeviceBoundSessionEventOccurred) bool) *network.EventDeviceBoundSessionEventOccurred {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		d.mu.Lock()
		seen := d.events[from:]
		d.mu.Unlock()
		if i := slices.IndexFunc(seen, match); i >= 0 {
			return seen[i]
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v the browser reported no %s; its events:\n%s", stepTimeout, what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mark returns how many events there are so far: await from it sees
// only later ones.
func (d *dbscEvents) mark() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.events)
}

// String lists the events as JSON, one a line.
func (d *dbscEvents) String() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var b strings.Builder
	for _, e := range d.events {
		j, _ := json.Marshal(e)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// awaitBoundCookieGone waits, for at most a step's time, until the
// browser's own timer has run the bound cookie out: the browser no longer
// keeps it.
func (tb *tab) awaitBoundCookieGone() {
	tb.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for tb.cookies()[boundCookie] != nil {
		if time.Now().After(deadline) {
			tb.t.Fatalf("%s: the bound cookie is still there after %v", tb.name, stepTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// setCookie puts c into the tab's browser context for the site, as a
// thief who copied it off another device would.
func (tb *tab) setCookie(c *network.Cookie) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	yes := true
	_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
		Name: c.Name, Value: c.Value, URL: tb.base + "/", Path: "/",
		Secure: &yes, HTTPOnly: &yes, SameSite: network.CookieSameSiteLax,
	})
	if err != nil {
		tb.t.Fatalf("%s: setting the cookie %s: %v", tb.name, c.Name, err)
	}
}

// press clicks the button sel, waits for the page it leads to and
// returns its path.
func (tb *tab) press(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		tb.t.Fatalf("%s: press %s: %v", tb.name, sel, err)
	}
	return tb.path()
}

// boundCookie is the demo's bound cookie, the library's default name.
const boundCookie = "__Host-bound"

// isCreation, isRefresh and isTermination pick the browser's events of
// one kind about the bound session id.
func isCreation(id string) func(*network.EventDeviceBoundSessionEventOccurred) bool {
	return func(e *network.EventDeviceBoundSessionEventOccurred) bool {
		return e.SessionID == id && e.CreationEventDetails != nil
	}
}

func isRefresh(id string) func(*network.EventDeviceBoundSessionEventOccurred) bool {
	return func(e *network.EventDeviceBoundSessionEventOccurred) bool {
		return e.SessionID == id && e.RefreshEventDetails != nil
	}
}

func isTermination(id string) func(*network.EventDeviceBoundSessionEventOccurred) bool {
	return func(e *network.EventDeviceBoundSessionEventOccurred) bool {
		return e.SessionID == id && e.TerminationEventDetails != nil
	}
}

// TestBrowser_DeviceBoundSession takes Chromium with Device Bound Session
// Credentials (software keys) through sessiond demo: sign-up binds the
// session to a key the browser keeps, and the devices page says so; when
// the browser's timer has run the short bound cookie out, the next page
// load is held back while the browser refreshes, and works; the session
// cookie copied into a second Chromium (another profile: another device,
// without the key) is refused and audited; once an operator revokes the
// session in the admin UI, the browser's next refresh is refused, which
// ends its bound session, and the user is signed out; a new login is
// bound again, and logout ends it. The server's audit log and the
// browser's own DevTools events check each step.
func TestBrowser_DeviceBoundSession(t *testing.T) {
	start := time.Now()
	srv := startServer(t, nil, "--bound-cookie-lifetime", boundLife.String())
	laptop := &tab{t: t, name: "laptop", ctx: startDBSCChromium(t, srv), base: srv.base}
	events := watchDBSC(laptop)

	// Sign up: the browser registers a key in the background.
	// The browser registers while it follows the sign-up's redirect: when
	// the registration is stored first, the account page's request, sent
	// without the bound cookie, is refused and goes round the login page
	// back to /account, without the notice.
	laptop.open("/signup")
	if got := laptop.submit("/signup", "username", username, "password", password1); got != "/account?done=signup" && got != "/account" {
		t.Fatalf("sign-up: the browser is on %q, want the account page", got)
	}
	bound := srv.awaitAudit(t, "session.device_bound", 1)[0]
	if created := events.await(t, "creation of the bound session", 0, isCreation(bound.SessionID)); !created.Succeeded ||
		created.CreationEventDetails.NewSession == nil || created.CreationEventDetails.NewSession.RefreshURL != srv.base+"/sessiond/dbsc/refresh" {
		t.Fatalf("the browser's creation event: %+v, want a new session refreshed at %s/sessiond/dbsc/refresh", created.CreationEventDetails, srv.base)
	}
	t.Logf("bound %v after the start", time.Since(start).Round(time.Millisecond))

	// The devices page marks this session as bound.
	laptop.wantPath("devices page", laptop.open("/account/sessions"), "/account/sessions")
	if n := laptop.count(`tr[data-current="true"][data-bound="true"][data-session-id="` + bound.SessionID + `"]`); n != 1 {
		t.Fatalf(`devices page: %d current rows with data-bound="true" for the bound session, want 1`, n)
	}
	alg := laptop.text(`tr[data-current="true"] .badge.bound`)
	if alg != "bound to this device's key · ES256" && alg != "bound to this device's key · RS256" {
		t.Errorf("the bound session's badge: got %q", alg)
	}
	laptop.screenshot("devices-bound.png")

	// The bound cookie runs out on the browser's own timer; the next page
	// load waits for a refresh, and goes out with the new cookie.
	laptop.awaitBoundCookieGone()
	refreshed, unverified, mark := len(srv.audit("session.device_refreshed")), len(srv.audit("session.device_unverified")), events.mark()
	laptop.wantPath("account after the bound cookie ran out", laptop.open("/account"), "/account")
	if got := len(srv.audit("session.device_refreshed")); got <= refreshed {
		t.Errorf("the page load after the bound cookie ran out: %d refreshes audited, want more than %d", got, refreshed)
	}
	deferred := events.await(t, "refresh", mark, isRefresh(bound.SessionID))
	if !deferred.Succeeded || deferred.RefreshEventDetails.RefreshResult != network.RefreshEventDetailsRefreshResultRefreshed || deferred.RefreshEventDetails.WasFullyProactiveRefresh {
		t.Errorf("the browser's refresh: %+v, want Refreshed, holding the request back", deferred.RefreshEventDetails)
	}
	// (A request that raced the registration, such as the style sheet of
	// the page after sign-up, may have gone out without the bound cookie;
	// a request held back for a refresh does not.)
	if got := srv.audit("session.device_unverified"); len(got) != unverified {
		t.Errorf("the device's own requests were refused: %+v", got[unverified:])
	}

	// The session cookie copied into another Chromium, with a profile of
	// its own: another device, without the key.
	thief := &tab{t: t, name: "other device", ctx: startDBSCChromium(t, srv), base: srv.base}
	thief.setCookie(laptop.cookies()["__Host-session"])
	if got := thief.open("/account"); !strings.HasPrefix(got, "/login") {
		t.Errorf("the copied session cookie: the other device is on %q, want the login", got)
	}
	if refused := srv.awaitAudit(t, "session.device_unverified", unverified+1)[unverified]; refused.SessionID != bound.SessionID || refused.Reason != "bound_cookie_missing" {
		t.Errorf("the refusal was audited as %+v, want the bound session with reason bound_cookie_missing", refused)
	}
	laptop.wantPath("the device itself after the copy was refused", laptop.open("/account"), "/account")

	// An operator revokes the session in the admin UI.
	op := newDevice(t, thief, "operator")
	op.open("/admin/login")
	op.wantPath("admin login", op.submit("/admin/login", "username", srv.operator, "password", srv.password), "/admin/")
	revoke := `form[action="/admin/sessions/revoke"]:has(input[name="session_id"][value="` + bound.SessionID + `"]) button[type="submit"]`
	op.wantPath("revoke", op.press(revoke), "/admin/")

	// The browser's next refresh is refused, which ends its bound
	// session, and the page load goes out signed out.
	laptop.awaitBoundCookieGone()
	failed, mark := len(srv.audit("session.device_refresh_failed")), events.mark()
	if got := laptop.open("/account"); !strings.HasPrefix(got, "/login") {
		t.Errorf("the revoked session: the laptop is on %q, want the login", got)
	}
	if got := srv.audit("session.device_refresh_failed"); len(got) <= failed || got[len(got)-1].Reason != "no_session" {
		t.Errorf("the refresh of the revoked session: audited %+v, want a failure with reason no_session", got)
	}
	if refusal := events.await(t, "failed refresh", mark, isRefresh(bound.SessionID)); refusal.Succeeded {
		t.Errorf("the browser's refresh of the revoked session succeeded: %+v", refusal.RefreshEventDetails)
	}
	events.await(t, "end of the revoked bound session", mark, isTermination(bound.SessionID))

	// A new login is bound again, and logout ends it.
	laptop.open("/login")
	laptop.wantPath("log in again", laptop.submit("/login", "username", username, "password", password1), "/account")
	again := srv.awaitAudit(t, "session.device_bound", 2)[1]
	if again.SessionID == bound.SessionID {
		t.Fatalf("the new login has the revoked session's id")
	}
	events.await(t, "creation of the second bound session", 0, isCreation(again.SessionID))
	mark = events.mark()
	laptop.wantPath("log out", laptop.submit("/logout"), "/login?done=logout")
	// (A bound cookie may come back from a refresh that was under way when
	// the logout's Clear-Site-Data came: it opens nothing on its own.)
	if c := laptop.cookies(); c["__Host-session"] != nil {
		t.Errorf("cookies after logout: %v, want no session cookie", keys(c))
	}
	if ended := srv.audit("session.revoked"); ended[len(ended)-1].SessionID != again.SessionID || ended[len(ended)-1].Reason != "logout" {
		t.Errorf("logout: audited %+v, want the second session revoked with reason logout", ended[len(ended)-1])
	}
	if got := laptop.open("/account"); !strings.HasPrefix(got, "/login") {
		t.Errorf("after logout: the laptop is on %q, want the login", got)
	}
	// The browser ends its bound session, at the logout's Clear-Site-Data
	// or when its next refresh is refused.
	ended := events.await(t, "end of the bound session after logout", mark, isTermination(again.SessionID))
	t.Logf("the browser ended its bound session after logout: %s", ended.TerminationEventDetails.DeletionReason)
	t.Logf("the test took %v", time.Since(start).Round(time.Millisecond))
}
