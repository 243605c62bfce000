package demo

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
)

//go:embed templates
var templateFS embed.FS

// staticFS holds static/style.css, served under the same path.
//
//go:embed static
var staticFS embed.FS

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// pages are the parsed templates, one per page, each with the layout.
type pages map[string]*template.Template

// funcs are the helpers templates use.
var funcs = template.FuncMap{
	"when":     func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") },
	"ago":      ago,
	"methods":  methodNames,
	"span":     span,
	"setupKey": setupKey,
}

// methodWords name the login methods for people.
var methodWords = map[string]string{"pwd": "password", "totp": "authenticator code"}

// methodNames says how a user proved who they are: "password +
// authenticator code".
func methodNames(methods []string) string {
	words := make([]string, len(methods))
	for i, m := range methods {
		if words[i] = methodWords[m]; words[i] == "" {
			words[i] = m
		}
	}
	return strings.Join(words, " + ")
}

// span says a duration in words: "30 minutes", "1 hour".
func span(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return d.String()
}

// parsePages parses every page template with the layout.
func parsePages() pages {
	p := pages{}
	names := must(fs.Glob(templateFS, "templates/*.html"))
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		p[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name))
	}
	return p
}

// view is what every page template gets.
type view struct {
	Title, Page   string
	User          *User
	Session       *sessiond.Session
	CSRF          template.HTML
	Notice, Error string
	// IdleTimeout and ReauthMaxAge are the site's, for the words of a page.
	IdleTimeout, ReauthMaxAge time.Duration
	Sessions                  []deviceRow
	Next, Reason              string
	OTPAuthURI                string
	// A form shown again keeps what was typed in it, but for passwords:
	// the username, the "remember" box, and KeepOthers when the "sign out
	// of all other sessions" box, checked at first, was unchecked.
	Username             string
	Remember, KeepOthers bool
}

// render writes page with v, filling in the user, the session and a CSRF
// field. Every page is private to its viewer: none is cached.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	if v.Session == nil {
		v.Session = sessiond.FromContext(r.Context())
	}
	if v.User == nil && v.Session != nil {
		if u, ok := s.cfg.Users.ByID(v.Session.UserID()); ok {
			v.User = &u
		}
	}
	v.Page, v.IdleTimeout, v.ReauthMaxAge = page, s.cfg.IdleTimeout, s.cfg.ReauthMaxAge
	v.CSRF = s.csrf.TemplateField(w, r)
	if v.Notice == "" {
		done := r.URL.Query().Get("done")
		if r.Method == http.MethodGet && s.signedOut(r) {
			done = signedOutNotice
		}
		v.Notice = notices[done]
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	s.pages[page].ExecuteTemplate(w, "layout", v)
}

// signedOutNotice is the notice of a browser that was signed out on this
// device (see signedOut): shown on the page it loads with its dead cookie,
// or asked for by the redirect that answered it.
const signedOutNotice = "ended"

// notices are the messages a redirect can ask for with ?done=: fixed
// texts, so that no request can put its own words on a page.
var notices = map[string]string{
	signedOutNotice: "You were signed out on this device. Please log in again.",
	"signup":        "Welcome! Your account is ready.",
	"login":         "You are signed in.",
	"logout":        "You are signed out.",
	"password":      "Your password was changed.",
	"mfa":           "Two-step login is on.",
	"revoked":       "That session was signed out.",
	"others":        "All your other sessions were signed out.",
	"reauth":        "Thanks, you can go on.",
}

// ago says how long ago t was, roughly.
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return t.UTC().Format("2 Jan 2006")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
