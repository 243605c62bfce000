package csrf_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/csrf"
)

func TestLoginForm_PreSessionCookie_R25(t *testing.T) {
	p := newProtection(newClock(), nil)
	w := httptest.NewRecorder()
	tok := p.Token(w, get("/login"))
	res := w.Result()
	c := preCookie(res)
	switch {
	case tok == "":
		t.Fatal("Token: got \"\", want a token")
	case c == nil:
		t.Fatalf("Set-Cookie: got %q, want a %s cookie", res.Header["Set-Cookie"], csrf.PreSessionCookie)
	case !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "":
		t.Errorf("cookie attributes: got %q, want Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", res.Header.Get("Set-Cookie"))
	case c.MaxAge != 3600:
		t.Errorf("Max-Age: got %d, want 3600", c.MaxAge)
	case res.Header.Get("Cache-Control") != "no-store":
		t.Errorf("Cache-Control: got %q, want no-store", res.Header.Get("Cache-Control"))
	}
	if n := len(c.Value); n > 4096-len(c.Name) {
		t.Errorf("cookie size: got %d, want at most 4096 with its name", n)
	}
	if err := p.Check(withCookies(postToken(tok), c)); err != nil {
		t.Fatalf("login post from the same browser: got %s, want <nil>", errString(err))
	}
}

func TestLoginForm_OtherBrowser_R25(t *testing.T) {
	p := newProtection(newClock(), nil)
	tokA, cookieA := issue(t, p, "")
	tokB, cookieB := issue(t, p, "")
	if cookieA.Value == cookieB.Value {
		t.Fatal("two browsers got the same pre-session")
	}
	for name, r := range map[string]*http.Request{
		"A's token, B's cookie": withCookies(postToken(tokA), cookieB),
		"B's token, A's cookie": withCookies(postToken(tokB), cookieA),
	} {
		if err := p.Check(r); !errors.Is(err, csrf.ErrBadToken) {
			t.Errorf("%s: got %s, want %v", name, errString(err), csrf.ErrBadToken)
		}
	}
}

func TestLoginForm_CookieSwappedOrDropped_R21(t *testing.T) {
	c := newClock()
	p := newProtection(c, nil)
	tok, cookie := issue(t, p, "")
	_, other := issue(t, p, "")
	_, foreign := issue(t, newProtection(c, func(cfg *csrf.Config) { cfg.Key = []byte(strings.Repeat("x", 32)) }), "")
	tests := []struct {
		name    string
		cookies []*http.Cookie
	}{
		{"dropped", nil},
		{"swapped", []*http.Cookie{other}},
		{"other key", []*http.Cookie{foreign}},
		{"tampered", []*http.Cookie{{Name: csrf.PreSessionCookie, Value: flip(cookie.Value, 5)}}},
		{"truncated", []*http.Cookie{{Name: csrf.PreSessionCookie, Value: cookie.Value[1:]}}},
		{"empty", []*http.Cookie{{Name: csrf.PreSessionCookie, Value: ""}}},
		{"other name", []*http.Cookie{{Name: "csrf-pre", Value: cookie.Value}}},
		{"swapped first", []*http.Cookie{other, cookie}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := p.Check(withCookies(postToken(tok), tt.cookies...)); !errors.Is(err, csrf.ErrBadToken) {
				t.Fatalf("got %s, want %v", errString(err), csrf.ErrBadToken)
			}
		})
	}
}

func TestLoginForm_PreSessionExpires_R25(t *testing.T) {
	c := newClock()
	p := newProtection(c, func(cfg *csrf.Config) { cfg.PreSessionTTL = 10 * time.Minute })
	tok, cookie := issue(t, p, "")
	c.Advance(10*time.Minute - time.Second)
	if err := p.Check(withCookies(postToken(tok), cookie)); err != nil {
		t.Fatalf("just before expiry: got %s, want <nil>", errString(err))
	}
	c.Advance(time.Second)
	if err := p.Check(withCookies(postToken(tok), cookie)); !errors.Is(err, csrf.ErrBadToken) {
		t.Fatalf("at expiry: got %s, want %v", errString(err), csrf.ErrBadToken)
	}
	tok2, cookie2 := issue(t, p, "", cookie)
	if cookie2 == nil || cookie2.Value == cookie.Value {
		t.Fatal("expired pre-session: want a new cookie")
	}
	if err := p.Check(withCookies(postToken(tok2), cookie2)); err != nil {
		t.Fatalf("new pre-session: got %s, want <nil>", errString(err))
	}
}

func TestLoginForm_PreSessionExtended(t *testing.T) {
	c := newClock()
	p := newProtection(c, nil)
	tok, cookie := issue(t, p, "")
	c.Advance(20 * time.Minute)
	if _, again := issue(t, p, "", cookie); again != nil {
		t.Errorf("first half of its life: got a new cookie, want none")
	}
	c.Advance(20 * time.Minute)
	tok2, renewed := issue(t, p, "", cookie)
	if renewed == nil {
		t.Fatal("second half of its life: got no cookie, want the pre-session extended")
	}
	c.Advance(50 * time.Minute) // past the first cookie's expiry
	for name, tk := range map[string]string{"form served before": tok, "form served at renewal": tok2} {
		if err := p.Check(withCookies(postToken(tk), renewed)); err != nil {
			t.Errorf("%s: got %s, want <nil>", name, errString(err))
		}
	}
}

func TestLoginForm_TwoFormsOnePage_R25(t *testing.T) {
	p := newProtection(newClock(), nil)
	w := httptest.NewRecorder()
	r := get("/login")
	tok1, tok2 := p.Token(w, r), p.Token(w, r)
	if n := len(w.Result().Cookies()); n != 1 {
		t.Fatalf("Set-Cookie: got %d cookies, want 1", n)
	}
	cookie := preCookie(w.Result())
	for i, tok := range []string{tok1, tok2} {
		if err := p.Check(withCookies(postToken(tok), cookie)); err != nil {
			t.Errorf("form %d: got %s, want <nil>", i+1, errString(err))
		}
	}
}

func TestLoginForm_DeadAfterLogin_R22_R25(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, cookie := issue(t, p, "")
	// Signed in: the session middleware now reports a session, and the
	// browser still holds its pre-session cookie.
	err := p.Check(withSession(withCookies(postToken(tok), cookie), "s1"))
	if !errors.Is(err, csrf.ErrBadToken) {
		t.Fatalf("pre-session token after login: got %s, want %v", errString(err), csrf.ErrBadToken)
	}
	tok, _ = issue(t, p, "s1")
	if err := p.Check(withSession(withCookies(postToken(tok), cookie), "s1")); err != nil {
		t.Fatalf("session token after login: got %s, want <nil>", errString(err))
	}
}

func TestToken_SessionSetsNoCookie(t *testing.T) {
	p := newProtection(newClock(), nil)
	if _, c := issue(t, p, "s1"); c != nil {
		t.Fatalf("signed-in request: got cookie %q, want none", c.Value)
	}
}

func TestLoginForm_SessionTokenNotAPreSessionToken_R21(t *testing.T) {
	p := newProtection(newClock(), nil)
	tok, _ := issue(t, p, "s1")
	_, cookie := issue(t, p, "")
	// Logged out (anonymous again) with a fresh pre-session: the old
	// session's token does not open it.
	if err := p.Check(withCookies(postToken(tok), cookie)); !errors.Is(err, csrf.ErrBadToken) {
		t.Fatalf("got %s, want %v", errString(err), csrf.ErrBadToken)
	}
}
