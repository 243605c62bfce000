package csrf_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/csrf"
)

// BenchmarkCheck is the hot path: a same-origin POST of a signed-in user,
// token in the header.
func BenchmarkCheck(b *testing.B) {
	p := newProtection(newClock(), nil)
	r := withSession(httptest.NewRequest(http.MethodPost, site+"/", nil), "s1")
	r.Header.Set("Origin", site)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.Header.Set(csrf.DefaultHeaderName, p.Token(httptest.NewRecorder(), r))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Check(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckForm is a same-origin form POST of a signed-in user,
// body parsed by Check.
func BenchmarkCheckForm(b *testing.B) {
	p := newProtection(newClock(), nil)
	tok := p.Token(httptest.NewRecorder(), withSession(get("/"), "s1"))
	body := url.Values{csrf.DefaultFieldName: {tok}, "name": {"Ada"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		r := withSession(post("/", nil), "s1")
		r.Body = readCloser{strings.NewReader(body)}
		if err := p.Check(r); err != nil {
			b.Fatal(err)
		}
	}
}

// readCloser gives a reader a no-op Close.
type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// BenchmarkToken is a masked token for a signed-in user's form.
func BenchmarkToken(b *testing.B) {
	p := newProtection(newClock(), nil)
	r := withSession(get("/"), "s1")
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		p.Token(w, r)
	}
}

// BenchmarkTokenPreSession is a token for an anonymous browser that
// already holds its pre-session cookie.
func BenchmarkTokenPreSession(b *testing.B) {
	p := newProtection(newClock(), nil)
	r := get("/login")
	w := httptest.NewRecorder()
	p.Token(w, r)
	r.AddCookie(preCookie(w.Result()))
	w = httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		p.Token(w, r)
	}
}
