package csrf

import (
	"html/template"
	"net/http"
)

// Token returns a fresh masked token for a form or a header of the
// response to r: each call gives different text, and all of them are
// valid until the session (or pre-session) ends.
//
// For an anonymous request (SessionID returns "") the token is bound to a
// pre-session: Token sets the [PreSessionCookie] on w when the browser has
// none, or when its pre-session is in the second half of its life. Call it
// before the response's header is written. The response is marked
// "Cache-Control: no-store": a page that carries a token belongs to one
// browser.
//
// Token returns "" only when Config.Rand fails; the form then fails
// closed on submission.
func (p *Protection) Token(w http.ResponseWriter, r *http.Request) string {
	noStore(w.Header())
	t, ok := p.issued(w, r)
	if !ok {
		return ""
	}
	tok, err := mask(&t, p.cfg.Rand)
	if err != nil {
		return ""
	}
	return tok
}

// TemplateField returns a hidden input that carries [Protection.Token],
// named Config.FieldName, for an html/template form:
//
//	<form method="post">{{.CSRF}} ... </form>
//
// with data.CSRF = p.TemplateField(w, r) computed before the template
// writes anything.
func (p *Protection) TemplateField(w http.ResponseWriter, r *http.Request) template.HTML {
	return template.HTML(p.field + p.Token(w, r) + `">`)
}

// noStore marks a response "Cache-Control: no-store", unless it is
// already.
func noStore(h http.Header) {
	if v := h["Cache-Control"]; len(v) != 1 || v[0] != "no-store" {
		h.Set("Cache-Control", "no-store")
	}
}
