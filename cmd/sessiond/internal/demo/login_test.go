package demo

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/forwardauth"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

func TestLogin_SignedInGoesToAccount(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	wantStatus(t, "GET /login anonymous", b.get("/login"), http.StatusOK)
	b.signup("alice")
	wantRedirect(t, "GET /login signed in", b.get("/login"), "/account")
	if home := b.get("/"); home.StatusCode != http.StatusOK || !strings.Contains(home.body, `href="/account">Go to your account`) {
		t.Errorf("GET / signed in: got %d, want the start page with a link to the account", home.StatusCode)
	}
	wantStatus(t, "GET /account", b.get("/account"), http.StatusOK)
}

func TestMe(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	if code, body := b.me(); code != http.StatusUnauthorized {
		t.Fatalf("anonymous /api/me: got %d %s, want 401", code, body)
	}
	b.signup("alice")
	code, body := b.me()
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != http.StatusOK {
		t.Fatalf("/api/me: got %d %q (%v), want 200 JSON", code, body, err)
	}
	user, _ := s.users.ByName("alice")
	if got["user"] != "alice" || got["user_id"] != user.ID || len(got) != 2 {
		t.Errorf("/api/me: got %v, want user alice, user_id %s", got, user.ID)
	}
	list, _ := s.m.List(t.Context(), user.ID)
	if len(list) != 1 {
		t.Errorf("sessions under the user's id: got %d, want 1", len(list))
	}
}

func TestLogin_NewToken_R22(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")

	t.Run("planted session of another user", func(t *testing.T) {
		attacker := s.browser().in(t)
		attacker.signup("mallory")
		planted := attacker.session()
		victim := s.browser().in(t)
		victim.setSession(planted)
		// Signed in as mallory, the victim is shown no login form; the
		// form token of any page of that session stands in for one.
		r := victim.submit("/account", "/login", url.Values{"username": {"alice"}, "password": {testPassword}})
		wantRedirect(t, "login over a planted session", r, "/account")
		if got := victim.session(); got == "" || got == planted {
			t.Fatalf("token after login: got %q, want a new one", got)
		}
		if code, _ := attacker.me(); code != http.StatusUnauthorized {
			t.Errorf("planted token after the victim's login: got %d, want 401", code)
		}
		if code, body := victim.me(); code != http.StatusOK || !strings.Contains(body, `"alice"`) {
			t.Errorf("victim after login: got %d %s, want alice", code, body)
		}
	})
	t.Run("planted unknown token", func(t *testing.T) {
		victim := s.browser().in(t)
		victim.setSession("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		victim.mustLogin("alice")
		if got := victim.session(); got == "" || strings.HasPrefix(got, "AAAA") {
			t.Errorf("token after login: got %q, want a new one", got)
		}
	})
	t.Run("pre-session form token opens nothing after login", func(t *testing.T) {
		b := s.browser().in(t)
		preToken := b.token("/login")
		r := b.post("/login", url.Values{"username": {"alice"}, "password": {testPassword}, "csrf_token": {preToken}})
		wantRedirect(t, "login", r, "/account")
		r = b.post("/logout", url.Values{"csrf_token": {preToken}})
		wantStatus(t, "logout with the pre-login form token", r, http.StatusForbidden)
	})
}

func TestLogin_CSRF_R25(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")
	creds := url.Values{"username": {"alice"}, "password": {testPassword}}
	with := func(token string) url.Values {
		v := url.Values{}
		for k, vs := range creds {
			v[k] = vs
		}
		if token != "" {
			v.Set("csrf_token", token)
		}
		return v
	}
	tests := []struct {
		name string
		do   func(b, other *browser) *reply
		want int
	}{
		{"own token", func(b, _ *browser) *reply { return b.post("/login", with(b.token("/login"))) }, http.StatusSeeOther},
		{"no token", func(b, _ *browser) *reply { b.token("/login"); return b.post("/login", with("")) }, http.StatusForbidden},
		{"token from another browser", func(b, other *browser) *reply {
			b.token("/login")
			return b.post("/login", with(other.token("/login")))
		}, http.StatusForbidden},
		{"pre-session cookie dropped (R21)", func(b, _ *browser) *reply {
			tok := b.token("/login")
			b.jar.SetCookies(s.url, []*http.Cookie{{Name: "__Host-csrf-pre", Value: "", Path: "/", MaxAge: -1}})
			return b.post("/login", with(tok))
		}, http.StatusForbidden},
		{"pre-session cookie swapped (R21)", func(b, other *browser) *reply {
			tok := b.token("/login")
			other.token("/login")
			b.jar.SetCookies(s.url, []*http.Cookie{{Name: "__Host-csrf-pre", Value: other.cookieValue("__Host-csrf-pre"), Path: "/", Secure: true}})
			return b.post("/login", with(tok))
		}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser().in(t)
			r := tt.do(b, s.browser().in(t))
			wantStatus(t, tt.name, r, tt.want)
			signedIn := b.session() != ""
			if signedIn != (tt.want == http.StatusSeeOther) {
				t.Errorf("signed in: got %v, want %v", signedIn, tt.want == http.StatusSeeOther)
			}
		})
	}
}

// typedName is the username field of a form shown again, which keeps what
// was typed.
var typedName = regexp.MustCompile(`name="username" value="[^"]*"`)

// withoutToken blanks the masked CSRF token, which is new on every page,
// and the username typed in the form, which the page keeps: what is left
// is the site's own answer.
func withoutToken(body string) string {
	body = typedName.ReplaceAllString(body, `name="username" value=""`)
	return csrfField.ReplaceAllString(body, `name="csrf_token" value=""`)
}

func TestLogin_SameAnswerForUnknownUser_R50(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")
	wrongPassword := s.browser().login("alice", "not the password at all")
	unknownUser := s.browser().login("nobody-here", "not the password at all")
	if wrongPassword.StatusCode != http.StatusUnauthorized || unknownUser.StatusCode != wrongPassword.StatusCode {
		t.Fatalf("status: wrong password %d, unknown user %d, want both 401", wrongPassword.StatusCode, unknownUser.StatusCode)
	}
	if a, b := withoutToken(wrongPassword.body), withoutToken(unknownUser.body); a != b {
		t.Errorf("bodies differ:\nwrong password: %s\nunknown user:  %s", a, b)
	}
	if !strings.Contains(wrongPassword.body, failedLogin) {
		t.Errorf("body lacks the generic message %q", failedLogin)
	}
	for _, h := range []string{"Set-Cookie", "Cache-Control", "Content-Type", "Retry-After"} {
		if a, b := len(wrongPassword.Header.Values(h)), len(unknownUser.Header.Values(h)); a != b {
			t.Errorf("header %s: %d values for a wrong password, %d for an unknown user", h, a, b)
		}
	}
}

// TestLogin_UnknownUserHashes_R50 checks that a login for a user that does
// not exist does the work of an argon2id verification (its memory is the
// evidence; nothing is timed), so that timing does not tell either.
func TestLogin_UnknownUserHashes_R50(t *testing.T) {
	s := newTestSite(t)
	params := pwhash.Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	s.site.cfg.Passwords = params
	hash, err := params.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.users.Add("alice", hash); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alice", "nobody"} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, ok := s.site.checkPassword(name, "wrong password"); ok {
			t.Fatalf("%s: a wrong password passed", name)
		}
		runtime.ReadMemStats(&after)
		if got, want := after.TotalAlloc-before.TotalAlloc, uint64(params.Memory)*1024; got < want {
			t.Errorf("%s: allocated %d bytes, want at least %d (an argon2id pass)", name, got, want)
		}
	}
}

func TestLogin_MethodsNotStronger_R27(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	page := b.get("/account")
	if !strings.Contains(page.body, "with password</dd>") {
		t.Errorf("account page after a password login does not say %q", "with pwd")
	}
	user, _ := s.users.ByName("alice")
	list, _ := s.m.List(t.Context(), user.ID)
	if len(list) != 1 || strings.Join(list[0].AuthMethods(), ",") != "pwd" {
		t.Fatalf("methods after a password login: got %v, want [pwd]", list[0].AuthMethods())
	}
}

// A login sent from a guarded page returns to it, and never to another
// site.
func TestLogin_ReturnsToNext(t *testing.T) {
	s := newTestSite(t)
	b := s.browser()
	b.signup("alice")
	b.logout()
	wantRedirect(t, "guarded page", b.get("/account/sessions"), "/login?next=%2Faccount%2Fsessions")
	if page := b.get("/login?next=%2Faccount%2Fsessions"); !strings.Contains(page.body, `name="next" value="/account/sessions"`) {
		t.Errorf("the login form does not carry next")
	}
	wantRedirect(t, "login with next", b.login("alice", testPassword, "next", "/account/sessions"), "/account/sessions")
	b.logout()
	wantRedirect(t, "login with a foreign next", b.login("alice", testPassword, "next", "//evil.example/"), "/account")
}

// TestLogin_ReturnsToForwardAuthSite_R8 checks that the login page, its
// two-step login and the re-authentication page send the user back to
// the rd that forward-auth gave, when its origin is on the list, and
// ignore any other: the page form shows the target, the answer goes to
// it, and an rd off the list (or another site's in any disguise) ends on
// the account page.
func TestLogin_ReturnsToForwardAuthSite_R8(t *testing.T) {
	const app = "https://app.example:8443"
	s := newTestSiteWith(t, nil, func(c *Config) { c.ReturnOrigins = forwardauth.Origins{app} })
	s.browser().signup("alice")
	mfa := s.browser()
	mfa.signup("bob")
	secret := mfa.enrolTOTP()
	back := app + "/docs/page?x=1"
	for _, tt := range []struct{ rd, want string }{
		{back, back},
		{"/account/sessions", "/account/sessions"},
		{"https://evil.example/", "/account"},
		{"https://app.example:8443.evil.example/", "/account"},
		{"https://app.example:8443@evil.example/", "/account"},
		{"https://app.example/", "/account"}, // another port, another origin
		{"http://app.example:8443/", "/account"},
		{"//evil.example/", "/account"},
		{"/\\evil.example/", "/account"},
		{app + "/%0d%0aSet-Cookie:x=1", app + "/%0d%0aSet-Cookie:x=1"},
		{app + "/\x00", "/account"},
	} {
		t.Run(tt.rd, func(t *testing.T) {
			b := s.browser()
			login := "/login?rd=" + url.QueryEscape(tt.rd)
			next := formNext(t, b, login)
			if next != tt.want {
				t.Errorf("%s: the form returns to %q, want %q", login, next, tt.want)
			}
			r := b.submit(login, "/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {next}})
			wantRedirect(t, "login", r, tt.want)
			// The rd posted as next, as a forged form would, is checked again.
			r = s.browser().submit("/login", "/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {tt.rd}})
			wantRedirect(t, "login with next", r, tt.want)
			s.clock.Advance(11 * time.Minute)
			reauth := "/reauth?rd=" + url.QueryEscape(tt.rd)
			r = b.submit(reauth, "/reauth", url.Values{"password": {testPassword}, "next": {formNext(t, b, reauth)}})
			wantRedirect(t, "re-authentication", r, tt.want)
		})
	}
	t.Run("two-step login", func(t *testing.T) {
		b := s.browser()
		s.nextStep()
		login := "/login?rd=" + url.QueryEscape(back)
		r := b.submit(login, "/login", url.Values{"username": {"bob"}, "password": {testPassword}, "next": {formNext(t, b, login)}})
		wantRedirect(t, "password", r, "/login/mfa")
		wantRedirect(t, "code", b.submit("/login/mfa", "/login/mfa", url.Values{"code": {s.code(secret)}}), back)
	})
}

// nextField finds the hidden next of a form.
var nextField = regexp.MustCompile(`name="next" value="([^"]*)"`)

// formNext loads page and returns where its form returns to.
func formNext(t *testing.T, b *browser, page string) string {
	t.Helper()
	m := nextField.FindStringSubmatch(b.get(page).body)
	if m == nil {
		t.Fatalf("GET %s: no next in the form", page)
	}
	return html.UnescapeString(m[1])
}
