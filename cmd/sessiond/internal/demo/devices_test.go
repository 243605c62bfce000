package demo

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// deviceLine is one row of the devices page.
type deviceLine struct {
	id      string
	current bool
	cells   []string // device, IP, created, last seen, action
}

// deviceList is the devices page as rows.
type deviceList []deviceLine

// others returns the ids of the sessions that are not the current one.
func (l deviceList) others() []string {
	var ids []string
	for _, d := range l {
		if !d.current {
			ids = append(ids, d.id)
		}
	}
	return ids
}

// current returns the current session's row.
func (l deviceList) current() (deviceLine, bool) {
	for _, d := range l {
		if d.current {
			return d, true
		}
	}
	return deviceLine{}, false
}

var (
	deviceRowRE = regexp.MustCompile(`(?s)<tr([^>]*data-session-id="[^"]*"[^>]*)>(.*?)</tr>`)
	idAttrRE    = regexp.MustCompile(`data-session-id="([^"]*)"`)
	cellRE      = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tagRE       = regexp.MustCompile(`<[^>]*>`)
)

// devices loads the devices page and reads its rows.
func (b *browser) devices() deviceList {
	b.t.Helper()
	r := b.get("/account/sessions")
	wantStatus(b.t, "GET /account/sessions", r, http.StatusOK)
	return parseDevices(r.body)
}

// parseDevices reads the rows of a devices page.
func parseDevices(body string) deviceList {
	var list deviceList
	for _, m := range deviceRowRE.FindAllStringSubmatch(body, -1) {
		d := deviceLine{id: idAttrRE.FindStringSubmatch(m[1])[1], current: strings.Contains(m[1], `data-current="true"`)}
		for _, c := range cellRE.FindAllStringSubmatch(m[2], -1) {
			d.cells = append(d.cells, strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(c[1], " "))), " "))
		}
		list = append(list, d)
	}
	return list
}

func TestDevices_List_R34(t *testing.T) {
	s := newTestSite(t)
	a := s.browser()
	a.signup("alice")
	s.clock.Advance(5 * time.Minute)
	b := s.browser()
	b.ua = firefoxUA
	b.mustLogin("alice")
	pending := s.browser()
	pending.ua = firefoxUA
	s.browser().signup("bob")

	r := a.get("/account/sessions")
	wantStatus(t, "devices page", r, http.StatusOK)
	list := parseDevices(r.body)
	if len(list) != 2 {
		t.Fatalf("rows: got %d, want 2 (alice's two sessions only): %+v", len(list), list)
	}
	cur, ok := list.current()
	if !ok || strings.Count(r.body, `data-current="true"`) != 1 {
		t.Fatalf(`want exactly one row with data-current="true": %+v`, list)
	}
	if !list[0].current {
		t.Errorf("the current session is not the first row")
	}
	wantCells := map[bool][]string{
		true:  {"Chrome 130 on Linux this device", "127.0.0.1", "2 Mar 2026, 09:00 UTC"},
		false: {"Firefox 132 on Windows", "127.0.0.1", "2 Mar 2026, 09:05 UTC"},
	}
	for _, d := range list {
		want := wantCells[d.current]
		if len(d.cells) < 4 || d.cells[0] != want[0] || d.cells[1] != want[1] || d.cells[2] != want[2] || d.cells[3] == "" {
			t.Errorf("row %s (current %v): got cells %q, want device, IP, created %q and a last-seen time", d.id, d.current, d.cells, want)
		}
	}
	if cur.id == "" || strings.Contains(r.body, a.session()) || strings.Contains(r.body, b.session()) {
		t.Errorf("the devices page shows a token or no id")
	}
	if !strings.Contains(r.body, `action="/account/sessions/revoke-others"`) {
		t.Errorf("no sign-out-of-others form on the devices page")
	}
}

func TestDevices_RevokeOneNeedsFreshLogin_R34(t *testing.T) {
	s := newTestSite(t)
	a := s.browser()
	a.signup("alice")
	b := s.browser()
	b.mustLogin("alice")
	bob := s.browser()
	bob.signup("bob")
	s.clock.Advance(11 * time.Minute) // past ReauthMaxAge

	target := a.devices().others()[0]
	r := a.submit("/account/sessions", "/account/sessions/revoke", url.Values{"session_id": {target}})
	wantRedirect(t, "stale revoke", r, "/reauth?next=%2Faccount%2Fsessions")
	if code, _ := b.me(); code != http.StatusOK {
		t.Fatalf("the other session after a refused revoke: /api/me = %d, want 200", code)
	}
	wantRedirect(t, "reauth", a.reauth("/account/sessions", ""), "/account/sessions")

	bobID := bob.devices()[0].id
	for _, id := range []string{bobID, a.devices().mustCurrent(t).id, "no-such-session"} {
		r = a.submit("/account/sessions", "/account/sessions/revoke", url.Values{"session_id": {id}})
		wantRedirect(t, "revoke of a session that is not one of the others", r, "/account/sessions?done=revoked")
	}
	if code, _ := bob.me(); code != http.StatusOK {
		t.Errorf("another user's session after alice revoked its id: /api/me = %d, want 200", code)
	}
	if code, _ := a.me(); code != http.StatusOK {
		t.Errorf("the current session after revoking its own id: /api/me = %d, want 200", code)
	}

	r = a.submit("/account/sessions", "/account/sessions/revoke", url.Values{"session_id": {target}})
	wantRedirect(t, "fresh revoke", r, "/account/sessions?done=revoked")
	if code, _ := b.me(); code != http.StatusUnauthorized {
		t.Errorf("the revoked session: /api/me = %d, want 401", code)
	}
	if left := a.devices(); len(left) != 1 || !left[0].current {
		t.Errorf("devices after the revoke: got %+v, want the current one only", left)
	}
}

// mustCurrent returns the current row.
func (l deviceList) mustCurrent(t *testing.T) deviceLine {
	t.Helper()
	d, ok := l.current()
	if !ok {
		t.Fatalf("no current row in %+v", l)
	}
	return d
}

func TestDevices_RevokeOthersNeedsFreshLogin_R34(t *testing.T) {
	s := newTestSite(t)
	a := s.browser()
	a.signup("alice")
	others := []*browser{s.browser(), s.browser()}
	for _, o := range others {
		o.mustLogin("alice")
	}
	s.clock.Advance(11 * time.Minute)
	r := a.submit("/account/sessions", "/account/sessions/revoke-others", nil)
	wantRedirect(t, "stale revoke-others", r, "/reauth?next=%2Faccount%2Fsessions")
	wantRedirect(t, "reauth", a.reauth("/account/sessions", ""), "/account/sessions")
	r = a.submit("/account/sessions", "/account/sessions/revoke-others", nil)
	wantRedirect(t, "revoke-others", r, "/account/sessions?done=others")
	for i, o := range others {
		if code, _ := o.me(); code != http.StatusUnauthorized {
			t.Errorf("other session %d: /api/me = %d, want 401", i, code)
		}
	}
	if code, _ := a.me(); code != http.StatusOK {
		t.Errorf("the current session: /api/me = %d, want 200", code)
	}
	if page := a.get("/account/sessions?done=others"); !strings.Contains(page.body, notices["others"]) {
		t.Errorf("no notice after revoke-others")
	}
}

// revokeOthersBox is the "sign out of all other sessions" box, checked.
var revokeOthersBox = regexp.MustCompile(`<input type="checkbox" name="revoke_others" value="1" checked>`)

func TestPassword_RevokeOthersByDefault_R33(t *testing.T) {
	for _, page := range []string{"/account/password", "/account/mfa"} {
		t.Run("offered on "+page, func(t *testing.T) {
			s := newTestSite(t)
			b := s.browser()
			b.signup("alice")
			if !revokeOthersBox.MatchString(b.get(page).body) {
				t.Errorf("GET %s: no revoke_others box checked by default", page)
			}
		})
	}
	tests := []struct {
		name        string
		form        url.Values
		othersAlive bool
	}{
		{"box as served (checked)", url.Values{"revoke_others": {"1"}}, false},
		{"box unchecked", url.Values{}, true},
	}
	for _, tt := range tests {
		t.Run("password change, "+tt.name, func(t *testing.T) {
			s := newTestSite(t)
			a := s.browser()
			a.signup("alice")
			other := s.browser()
			other.mustLogin("alice")
			form := cloneForm(tt.form)
			form.Set("current_password", testPassword)
			form.Set("new_password", "a brand new passphrase")
			wantRedirect(t, "password change", a.submit("/account/password", "/account/password", form), "/account?done=password")
			code, _ := other.me()
			if alive := code == http.StatusOK; alive != tt.othersAlive {
				t.Errorf("other session alive: got %v, want %v", alive, tt.othersAlive)
			}
			if code, _ := a.me(); code != http.StatusOK {
				t.Errorf("the session that changed the password: /api/me = %d, want 200", code)
			}
		})
	}
	t.Run("MFA enrolment, box as served", func(t *testing.T) {
		s := newTestSite(t)
		a := s.browser()
		a.signup("alice")
		other := s.browser()
		other.mustLogin("alice")
		a.enrolTOTP()
		if code, _ := other.me(); code != http.StatusUnauthorized {
			t.Errorf("other session after MFA enrolment: /api/me = %d, want 401", code)
		}
		if code, _ := a.me(); code != http.StatusOK {
			t.Errorf("the enrolling session: /api/me = %d, want 200", code)
		}
	})
}

func TestPassword_Change(t *testing.T) {
	s := newTestSite(t)
	a := s.browser()
	a.signup("alice")
	tests := []struct {
		name, current, next string
		want                int
	}{
		{"wrong current password", "not my password", "a brand new passphrase", http.StatusUnauthorized},
		{"new password too short", testPassword, "short", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.in(t).submit("/account/password", "/account/password", url.Values{"current_password": {tt.current}, "new_password": {tt.next}})
			wantStatus(t, tt.name, r, tt.want)
			if !strings.Contains(r.body, `class="error"`) {
				t.Errorf("no error message on the page")
			}
		})
	}
	r := a.submit("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a brand new passphrase"}})
	wantRedirect(t, "password change", r, "/account?done=password")
	a.logout()
	wantStatus(t, "old password", a.login("alice", testPassword), http.StatusUnauthorized)
	wantRedirect(t, "new password", a.login("alice", "a brand new passphrase"), "/account")
}

// TestDevices_BoundToKey checks that the devices page marks a session
// bound to a device key, with data-bound="true", its algorithm and a
// badge, and leaves the others as they were.
func TestDevices_BoundToKey(t *testing.T) {
	s := newTestSite(t)
	a := s.browser()
	a.signup("alice")
	b := s.browser()
	b.ua = firefoxUA
	b.mustLogin("alice")
	if r := a.get("/account/sessions"); strings.Contains(r.body, "data-bound") || strings.Contains(r.body, "device's key") {
		t.Errorf("no session is bound, yet the page says one is")
	}

	// Bind the other session in the store, as a registration would: the
	// current one would need a bound cookie this browser does not have.
	other := a.devices().others()[0]
	rec, found, err := s.store.Get(t.Context(), other)
	if err != nil || !found {
		t.Fatalf("the other session's record: found %v, %v", found, err)
	}
	next := *rec // the store's own, which no one changes
	next.Device = sessiond.DeviceBinding{
		Alg:     "ES256",
		Key:     `{"crv":"P-256","kty":"EC","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`,
		BoundAt: s.clock.Now(),
	}
	next.Version++
	if err := s.store.Update(t.Context(), &next, rec.Version); err != nil {
		t.Fatal(err)
	}

	r := a.get("/account/sessions")
	wantStatus(t, "devices page", r, http.StatusOK)
	list := parseDevices(r.body)
	if len(list) != 2 {
		t.Fatalf("rows: got %d, want 2", len(list))
	}
	for _, d := range list {
		wantBound := d.id == other
		if got := strings.Contains(d.cells[0], "bound to its device's key · ES256"); got != wantBound {
			t.Errorf("row %s (current %v): badge shown %v, want %v: %q", d.id, d.current, got, wantBound, d.cells[0])
		}
	}
	wantRow := regexp.MustCompile(`<tr data-session-id="` + other + `" data-bound="true" data-key-alg="ES256">`)
	if !wantRow.MatchString(r.body) || strings.Count(r.body, `data-bound="true"`) != 1 {
		t.Errorf(`want the other session's row alone with data-bound="true" and data-key-alg="ES256"`)
	}
	if thumb := next.Device.Thumbprint(); !strings.Contains(r.body, `title="Key `+thumb+`"`) {
		t.Errorf("the badge does not name the key's thumbprint %s", thumb)
	}
	if !strings.Contains(r.body, "works only in the browser that holds the key") {
		t.Errorf("the page does not say what a bound session means")
	}
}
