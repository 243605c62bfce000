package admin

import (
	"context"
	"crypto/subtle"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
)

// User-Agents of the tests.
const (
	firefoxWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
	safariIPhone   = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

// The operator of the tests.
const (
	opName     = "root"
	opPassword = "operator password"
)

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// fakeOperators is an Operators with plain passwords.
type fakeOperators struct {
	mu    sync.Mutex
	users map[string]string
}

func (f *fakeOperators) Verify(name, password string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	want, ok := f.users[name]
	return ok && subtle.ConstantTimeCompare([]byte(want), []byte(password)) == 1, nil
}

func (f *fakeOperators) Stamp(name string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pw, ok := f.users[name]
	return pw, ok // the plain password stands for its hash here
}

// setPassword replaces name's password.
func (f *fakeOperators) setPassword(name, password string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[name] = password
}

func (f *fakeOperators) remove(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.users, name)
}

// fakeUsers is a UserDirectory in memory.
type fakeUsers struct {
	mu    sync.Mutex
	users []*User
}

func (f *fakeUsers) LookupUser(_ context.Context, idOrName string) (User, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.ID == idOrName || u.Name == idOrName {
			return *u, true, nil
		}
	}
	return User{}, false, nil
}

// ListUsers lists the users whose name or id holds search, in the order
// given (the newest first), the cursor being the index of the next.
func (f *fakeUsers) ListUsers(_ context.Context, search, cursor string, limit int) ([]User, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var found []User
	for _, u := range f.users {
		if strings.Contains(strings.ToLower(u.Name+" "+u.ID), strings.ToLower(search)) {
			found = append(found, *u)
		}
	}
	start := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 || n > len(found) {
			return nil, "", sessiond.ErrBadCursor
		}
		start = n
	}
	end := min(start+limit, len(found))
	if end == len(found) {
		return found[start:end], "", nil
	}
	return found[start:end], strconv.Itoa(end), nil
}

func (f *fakeUsers) set(id string, disabled bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.ID == id {
			u.Disabled = disabled
			return nil
		}
	}
	return errors.New("no such user")
}

func (f *fakeUsers) DisableUser(_ context.Context, id string) error { return f.set(id, true) }
func (f *fakeUsers) EnableUser(_ context.Context, id string) error  { return f.set(id, false) }

func (f *fakeUsers) disabled(id string) bool {
	u, _, _ := f.LookupUser(context.Background(), id)
	return u.Disabled
}

// failingStore is a memstore that fails every call while failing is set.
type failingStore struct {
	*memstore.Store
	mu      sync.Mutex
	failing bool
}

var errDown = errors.New("store down")

func (s *failingStore) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return errDown
	}
	return nil
}

func (s *failingStore) ListUser(ctx context.Context, id string) ([]*sessiond.Record, error) {
	if err := s.err(); err != nil {
		return nil, err
	}
	return s.Store.ListUser(ctx, id)
}

func (s *failingStore) DeleteAll(ctx context.Context) (int, error) {
	if err := s.err(); err != nil {
		return 0, err
	}
	return s.Store.DeleteAll(ctx)
}

// env is the admin UI over TLS, in front of an application manager on a
// memory store, with a fake clock.
type env struct {
	t     *testing.T
	clock *clock
	store *failingStore
	app   *sessiond.Manager
	ops   *fakeOperators
	ui    *UI
	srv   *httptest.Server
	// tokens are the application session tokens made by login.
	tokens []string
}

// newEnv starts the UI; edit changes its configuration.
func newEnv(t *testing.T, edit ...func(*Config)) *env {
	t.Helper()
	clk := fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	store := &failingStore{Store: memstore.New(memstore.Config{Now: clk.Now})}
	t.Cleanup(func() { store.Close() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := sessiond.New(store, sessiond.Config{
		Now: clk.Now, Auditor: sessiond.StoreAuditor{Store: store, Next: sessiond.SlogAuditor{Logger: quiet}},
		Keys: []sessiond.Key{{ID: 1, Secret: make([]byte, 32)}}, DeviceBinding: sessiond.DeviceBindingConfig{Enabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	ops := &fakeOperators{users: map[string]string{opName: opPassword, "other": "other operator password"}}
	cfg := Config{Manager: app, Audit: store, Operators: ops, Now: clk.Now, Log: quiet}
	for _, f := range edit {
		f(&cfg)
	}
	ui, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ui.Close() })
	srv := httptest.NewTLSServer(ui)
	t.Cleanup(srv.Close)
	return &env{t: t, clock: clk, store: store, app: app, ops: ops, ui: ui, srv: srv}
}

// login starts an application session for userID and keeps its token.
func (e *env) login(userID, ip, ua string) *sessiond.Session {
	e.t.Helper()
	s, tok, err := e.app.LoginToken(context.Background(), sessiond.LoginInfo{
		UserID: userID, Methods: []string{"pwd"}, Client: sessiond.Client{IP: ip, UserAgent: ua},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens = append(e.tokens, tok)
	return s
}

// alive reports whether the application session id still exists.
func (e *env) alive(id string) bool {
	e.t.Helper()
	_, found, err := e.app.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return found
}

// events returns the audit events q selects.
func (e *env) events(q sessiond.EventQuery) []sessiond.Event {
	e.t.Helper()
	evs, err := e.store.QueryEvents(context.Background(), q)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// browser is one browser: its own cookie jar, never following redirects,
// and the HTML of every page it got.
type browser struct {
	t      *testing.T
	e      *env
	c      *http.Client
	token  string // the CSRF token of the last page
	bodies []string
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	c := &http.Client{
		Transport:     e.srv.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &browser{t: e.t, e: e, c: c}
}

// tokenRE finds the CSRF field of a page.
var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// do sends r and reads the answer, keeping the CSRF token of an HTML page.
func (b *browser) do(r *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(r)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	body := string(raw)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		b.bodies = append(b.bodies, body)
		if m := tokenRE.FindStringSubmatch(body); m != nil {
			b.token = m[1]
		}
	}
	return resp, body
}

// get fetches path.
func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	r, err := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	r.Header.Set("Sec-Fetch-Site", "none")
	return b.do(r)
}

// post submits a form as the browser would from the UI's own page: with
// the last page's CSRF token unless form has one, and the UI's Origin.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	return b.postWith(path, form, http.Header{"Origin": {b.e.srv.URL}, "Sec-Fetch-Site": {"same-origin"}})
}

// postWith submits a form with the given headers.
func (b *browser) postWith(path string, form url.Values, h http.Header) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok && b.token != "" {
		form.Set("csrf_token", b.token)
	}
	r, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	r.Header = h.Clone()
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(r)
}

// signIn signs the browser in as name with password and checks it worked.
func (b *browser) signIn(name, password string) {
	b.t.Helper()
	b.get("/admin/login")
	resp, body := b.post("/admin/login", url.Values{"username": {name}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login: got %d, want 303\n%s", resp.StatusCode, body)
	}
}

// operator is a browser signed in as the test operator, on the home page.
func (e *env) operator() *browser {
	b := e.browser()
	b.signIn(opName, opPassword)
	b.get("/admin/")
	return b
}

// cookie returns the browser's cookie name, or "".
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// wantRedirect checks that resp is a 303 to a URL starting with prefix.
func wantRedirect(t *testing.T, resp *http.Response, prefix string) {
	t.Helper()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Errorf("got %d to %q, want 303 to %s…", resp.StatusCode, loc, prefix)
	}
}

// nextRE finds the address of a page's "Older" link.
var nextRE = regexp.MustCompile(`href="([^"]+)" rel="next"`)

// nextPage returns the address of the next page that body links to, or
// "" when it links to none.
func nextPage(body string) string {
	m := nextRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}
