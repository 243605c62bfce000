package admin

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/useragent"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/csrf"
)

// pageNames are the templates of templates/, each rendered inside
// layout.html.
var pageNames = []string{"login", "sessions", "users", "audit", "error"}

// pages are the parsed templates, by name.
type pages map[string]*template.Template

// page is what every template gets.
type page struct {
	Title string
	// Nav names the current section: "sessions", "users" or "audit".
	Nav string
	// Operator is the signed-in operator, empty on the login page.
	Operator string
	// CSRF is the hidden field every form carries.
	CSRF     template.HTML
	Flash    *flash
	HasUsers bool
	HasAudit bool
	Now      time.Time
	// Data is the page's own view.
	Data any
}

// Ago says how long ago (or in how long) t is, from the page's time.
func (p page) Ago(t time.Time) string { return ago(p.Now, t) }

// funcs are the template functions.
var funcs = template.FuncMap{
	"when":    when,
	"exact":   whenExact,
	"iso":     iso,
	"device":  useragent.Describe,
	"evclass": eventClass,
	"plural":  plural,
	"cells":   sessionCells,
}

// parsePages parses every page with the layout.
func parsePages() (pages, error) {
	ps := pages{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("admin: parsing template %s: %w", name, err)
		}
		ps[name] = t
	}
	return ps, nil
}

// render writes the page name with status. The whole page is rendered
// before anything is written.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.CSRF = u.csrf.TemplateField(w, r)
	p.HasUsers, p.HasAudit = u.cfg.Users != nil, u.cfg.Audit != nil
	p.Now = u.cfg.Now()
	var buf bytes.Buffer
	if err := u.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		u.cfg.Log.Error("admin: rendering a page", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// opPage starts the page of a signed-in operator, with the flash message
// the last action left.
func (u *UI) opPage(r *http.Request, op operator, title, nav string, data any) page {
	return page{Title: title, Nav: nav, Operator: op.name, Flash: u.takeFlash(r, op.session), Data: data}
}

// errorPage answers status with a message, in the UI's layout.
func (u *UI) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := page{Title: http.StatusText(status), Data: msg}
	if s := sessiond.FromContext(r.Context()); s != nil {
		p.Operator = strings.TrimPrefix(s.UserID(), userPrefix)
	}
	u.render(w, r, status, "error", p)
}

// fail answers a request the session store could not serve: fail closed,
// with a generic message; the error goes to the log only.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	u.cfg.Log.Error("admin: session store", "path", r.URL.Path, "error", err)
	u.errorPage(w, r, http.StatusServiceUnavailable, "The session store is not answering. Try again in a moment.")
}

// denied answers a request the CSRF protection refused.
func (u *UI) denied(w http.ResponseWriter, r *http.Request) {
	u.cfg.Log.Warn("admin: request refused", "path", r.URL.Path, "reason", csrf.DenyReason(r))
	u.errorPage(w, r, http.StatusForbidden, "This form has expired or was sent from another site. Go back, reload the page and try again.")
}

// notFound answers a path the UI does not serve, without repeating it.
func (u *UI) notFound(w http.ResponseWriter, r *http.Request) {
	u.errorPage(w, r, http.StatusNotFound, "There is no page at this address.")
}

// pageFailed answers a request for a page that could not be read: a
// cursor that did not come from the store is bad input, any other error
// the store's failure.
func (u *UI) pageFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, sessiond.ErrBadCursor) {
		u.badRequest(w, r)
		return
	}
	u.fail(w, r, err)
}

// badRequest answers a request with bad input, without repeating it.
func (u *UI) badRequest(w http.ResponseWriter, r *http.Request) {
	u.errorPage(w, r, http.StatusBadRequest, "That request is not valid.")
}
