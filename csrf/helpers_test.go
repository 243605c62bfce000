package csrf_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/fakeclock"
)

// testKey is a fixed 32-byte key.
var testKey = bytes.Repeat([]byte("k"), 32)

// site is the origin every test request is made to.
const site = "https://app.example"

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// newClock returns a clock for one test.
func newClock() *clock { return fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) }

// sessionKey carries a test request's session id, standing in for the
// session middleware.
type sessionKey struct{}

// withSession returns r as part of the session id.
func withSession(r *http.Request, id string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionKey{}, id))
}

// sessionID is the Config.SessionID of the tests.
func sessionID(r *http.Request) string {
	id, _ := r.Context().Value(sessionKey{}).(string)
	return id
}

// newProtection returns a Protection with the test key, the test session
// lookup and clock c, after edit has changed the config.
func newProtection(c *clock, edit func(*csrf.Config)) *csrf.Protection {
	cfg := csrf.Config{Key: testKey, SessionID: sessionID, Now: c.Now}
	if edit != nil {
		edit(&cfg)
	}
	return csrf.New(cfg)
}

// ok is the handler behind the protection in handler tests.
var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Write([]byte("done"))
})

// get is a browser's same-origin GET of path.
func get(path string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, site+path, nil)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return r
}

// post is a browser's same-origin POST of a form with the given fields.
func post(path string, form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, site+path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", site)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return r
}

// postToken is post with the token in the default form field.
func postToken(tok string) *http.Request {
	return post("/", url.Values{csrf.DefaultFieldName: {tok}})
}

// issue returns a token for a request of session sid ("" for anonymous)
// and the pre-session cookie set with it, if any.
func issue(t *testing.T, p *csrf.Protection, sid string, cookies ...*http.Cookie) (string, *http.Cookie) {
	t.Helper()
	r := withSession(get("/form"), sid)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	tok := p.Token(w, r)
	if tok == "" {
		t.Fatal("Token returned an empty token")
	}
	return tok, preCookie(w.Result())
}

// preCookie returns the pre-session cookie res sets, or nil.
func preCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == csrf.PreSessionCookie {
			return c
		}
	}
	return nil
}

// withCookies returns r carrying cookies.
func withCookies(r *http.Request, cookies ...*http.Cookie) *http.Request {
	for _, c := range cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return r
}

// errString names err for failure messages.
func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
