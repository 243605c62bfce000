package csrf_test

import (
	"crypto/rand"
	"html/template"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/sessiond/sessiond/csrf"
)

// fakeSessions stands in for the session middleware: a cookie names a
// session the server knows.
type fakeSessions struct {
	mu  sync.Mutex
	ids map[string]bool
}

// Handler puts the request's session id, if any, where sessionID finds it.
func (s *fakeSessions) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("__Host-sid"); err == nil && s.known(c.Value) {
			r = withSession(r, c.Value)
		}
		next.ServeHTTP(w, r)
	})
}

func (s *fakeSessions) known(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[id]
}

// login starts a new session and sets its cookie.
func (s *fakeSessions) login(w http.ResponseWriter) {
	id := rand.Text()
	s.mu.Lock()
	s.ids[id] = true
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "__Host-sid", Value: id, Path: "/", Secure: true, HttpOnly: true})
}

var formPage = template.Must(template.New("").Parse(`<form method="post">{{.}}<button>go</button></form>`))

// newSite serves a login form and an account form, CSRF-protected inside
// the fake session middleware.
func newSite(t *testing.T) *httptest.Server {
	sessions := &fakeSessions{ids: map[string]bool{}}
	p := csrf.New(csrf.Config{SessionID: sessionID})
	form := func(w http.ResponseWriter, r *http.Request) {
		field := p.TemplateField(w, r)
		formPage.Execute(w, field)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", form)
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		sessions.login(w)
		io.WriteString(w, "signed in")
	})
	mux.HandleFunc("GET /account", form)
	mux.HandleFunc("POST /account", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "saved "+r.PostFormValue("name"))
	})
	srv := httptest.NewTLSServer(sessions.Handler(p.Handler(mux)))
	t.Cleanup(srv.Close)
	return srv
}

// browser is a client with its own cookie jar.
type browser struct {
	t   *testing.T
	c   *http.Client
	srv *httptest.Server
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *srv.Client() // a copy: srv.Client returns one shared client
	c.Jar = jar
	return &browser{t: t, c: &c, srv: srv}
}

var tokenField = regexp.MustCompile(`name="csrf_token" value="([A-Za-z0-9_-]+)"`)

// form loads path and returns the token of its form.
func (b *browser) form(path string) string {
	b.t.Helper()
	res, err := b.c.Get(b.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := tokenField.FindStringSubmatch(string(body))
	if m == nil {
		b.t.Fatalf("GET %s: no token in %q", path, body)
	}
	return m[1]
}

// submit posts a form to path with the headers a browser sets for the
// given origin ("" for none, as a non-browser client) and returns the
// status.
func (b *browser) submit(path, origin, sfs string, form url.Values) int {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", sfs)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// cookie returns the value of the jar's cookie name, or "".
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func TestLoginFlow_TLS_R25_R41_R42(t *testing.T) {
	srv := newSite(t)
	alice, mallory := newBrowser(t, srv), newBrowser(t, srv)
	self := srv.URL

	loginTok := alice.form("/login")
	if alice.cookie(csrf.PreSessionCookie) == "" {
		t.Fatalf("after GET /login: no %s cookie in the jar", csrf.PreSessionCookie)
	}
	malloryTok := mallory.form("/login")

	steps := []struct {
		name        string
		b           *browser
		path        string
		origin, sfs string
		tok         string
		want        int
	}{
		{"login with another browser's token", alice, "/login", self, "same-origin", malloryTok, 403},
		{"login token used by another browser", mallory, "/login", self, "same-origin", loginTok, 403},
		{"login without a token", alice, "/login", self, "same-origin", "", 403},
		{"login cross-site", alice, "/login", "https://evil.example", "cross-site", loginTok, 403},
		{"login without Origin or Sec-Fetch-Site", alice, "/login", "", "", loginTok, 403},
		{"login", alice, "/login", self, "same-origin", loginTok, 200},
		{"pre-session token after login", alice, "/account", self, "same-origin", loginTok, 403},
	}
	for _, s := range steps {
		if got := s.b.submit(s.path, s.origin, s.sfs, url.Values{"csrf_token": {s.tok}, "name": {"x"}}); got != s.want {
			t.Fatalf("%s: got status %d, want %d", s.name, got, s.want)
		}
	}
	if alice.cookie("__Host-sid") == "" {
		t.Fatal("after login: no session cookie in the jar")
	}

	accountTok := alice.form("/account")
	if got := mallory.submit("/account", self, "same-origin", url.Values{"csrf_token": {accountTok}}); got != 403 {
		t.Fatalf("session token from another browser: got status %d, want 403", got)
	}
	if got := alice.submit("/account", "https://evil.example", "cross-site", url.Values{"csrf_token": {accountTok}}); got != 403 {
		t.Fatalf("cross-site post with a valid token: got status %d, want 403", got)
	}
	if got := alice.submit("/account", self, "same-origin", url.Values{"csrf_token": {accountTok}}); got != 200 {
		t.Fatalf("account form: got status %d, want 200", got)
	}
}
