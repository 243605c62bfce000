package csrf_test

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/sessiond/sessiond/csrf"
)

// The session middleware normally supplies the session id; here every
// request belongs to the session "s1".
func ExampleNew() {
	p := csrf.New(csrf.Config{
		// Key: a shared 32-byte secret in production, so replicas agree.
		SessionID: func(*http.Request) string { return "s1" },
	})

	page := template.Must(template.New("").Parse(`<form method="post">{{.}}</form>`))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /profile", func(w http.ResponseWriter, r *http.Request) {
		page.Execute(w, p.TemplateField(w, r))
	})
	mux.HandleFunc("POST /profile", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "saved "+r.PostFormValue("name"))
	})
	h := p.Handler(mux)

	// The browser loads the form and submits it, same-origin.
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "https://app.example/profile", nil))
	_, rest, _ := strings.Cut(w.Body.String(), `value="`)
	tok, _, _ := strings.Cut(rest, `"`)

	submit := func(origin, tok string) {
		body := url.Values{"csrf_token": {tok}, "name": {"Ada"}}.Encode()
		r := httptest.NewRequest("POST", "https://app.example/profile", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", origin)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	submit("https://app.example", tok)  // the form, as served
	submit("https://app.example", "")   // no token
	submit("https://evil.example", tok) // another site, even with a token
	// Output:
	// 200 saved Ada
	// 403 forbidden
	// 403 forbidden
}

// A login form is served to an anonymous browser: the token is bound to
// a pre-session cookie, and only that browser can submit it.
func ExampleProtection_Token() {
	p := csrf.New(csrf.Config{
		SessionID: func(*http.Request) string { return "" }, // nobody signed in
	})

	w := httptest.NewRecorder()
	tok := p.Token(w, httptest.NewRequest("GET", "https://app.example/login", nil))
	cookie := w.Result().Cookies()[0]
	fmt.Println(cookie.Name, cookie.Secure, cookie.HttpOnly, cookie.SameSite == http.SameSiteLaxMode)

	login := func(cookies ...*http.Cookie) error {
		r := httptest.NewRequest("POST", "https://app.example/login", nil)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.Header.Set("X-CSRF-Token", tok)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		return p.Check(r)
	}
	fmt.Println(login(cookie))
	fmt.Println(login())
	// Output:
	// __Host-csrf-pre true true true
	// <nil>
	// csrf: invalid token
}

// A JSON endpoint refuses bodies a cross-site form could send.
func ExampleRequireJSON() {
	h := csrf.RequireJSON(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok")
	}))
	for _, ct := range []string{"application/json", "text/plain", "application/x-www-form-urlencoded"} {
		r := httptest.NewRequest("POST", "https://app.example/api/items", strings.NewReader(`{}`))
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(ct, w.Code)
	}
	// Output:
	// application/json 200
	// text/plain 415
	// application/x-www-form-urlencoded 415
}

// A custom deny handler logs why a request was refused and answers with
// the site's own page.
func ExampleDenyReason() {
	p := csrf.New(csrf.Config{
		SessionID: func(*http.Request) string { return "s1" },
		DenyHandler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Println("refused:", csrf.DenyReason(r))
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "This form has expired. Please reload the page.", http.StatusForbidden)
		}),
	})
	r := httptest.NewRequest("POST", "https://app.example/profile", nil)
	p.Handler(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), r)
	// Output:
	// refused: csrf: request carries neither Sec-Fetch-Site nor Origin
}
