package csrf

import (
	"fmt"
	"mime"
	"net/http"
)

// requestToken returns the token r carries: the header first, then the
// form field of a form body. It never reads the URL query or a cookie: a
// token there would leak into logs and Referer headers, or be sent by the
// browser with a forged request.
func (p *Protection) requestToken(w http.ResponseWriter, r *http.Request) (string, error) {
	if tok := r.Header.Get(p.cfg.HeaderName); tok != "" {
		return tok, nil
	}
	multipart, ok := formBody(r)
	if !ok {
		return "", nil
	}
	if err := p.parseForm(w, r, multipart); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMissingToken, err)
	}
	return r.PostForm.Get(p.cfg.FieldName), nil
}

// formBody reports whether r's body is a form, and whether a multipart
// one.
func formBody(r *http.Request) (multipart, ok bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil:
		return false, false
	case mt == "multipart/form-data":
		return true, true
	}
	return false, mt == "application/x-www-form-urlencoded"
}

// parseForm parses r's form body, bounded by Config.MaxFormBytes unless
// it was parsed already. Only r.PostForm is read afterwards: r.Form would
// mix in the URL query.
func (p *Protection) parseForm(w http.ResponseWriter, r *http.Request, multipart bool) error {
	if r.PostForm == nil && r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, p.cfg.MaxFormBytes)
	}
	if multipart {
		// The whole bounded body may stay in memory: no temporary files.
		return r.ParseMultipartForm(p.cfg.MaxFormBytes)
	}
	return r.ParseForm()
}
