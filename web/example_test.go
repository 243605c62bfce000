package web_test

import (
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/web"
)

// ExampleNew serves a login form through the whole stack: the form posts
// from the browser that loaded it, and from nowhere else.
func ExampleNew() {
	store := memstore.New(memstore.Config{})
	defer store.Close()
	sessions, err := sessiond.New(store, sessiond.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	site := web.New(sessions, web.Config{})

	// checkPassword stands in for an argon2id check: see examples/webapp.
	checkPassword := func(name, password string) bool { return name == "alice" && password == "correct horse" }
	form := template.Must(template.New("").Parse(`<form method="post">{{.}}<input name="username"><input name="password" type="password"></form>`))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		form.Execute(w, site.CSRF().TemplateField(w, r))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		name := r.PostFormValue("username")
		attempt, wait, err := site.BeginLogin(r, name)
		if err != nil {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			http.Error(w, "Too many attempts.", http.StatusTooManyRequests)
			return
		}
		defer attempt.Release()
		if !checkPassword(name, r.PostFormValue("password")) {
			attempt.Fail()
			http.Error(w, "Wrong username or password.", http.StatusUnauthorized)
			return
		}
		attempt.Succeed(w)
		if _, err := sessions.Login(r.Context(), sessiond.LoginInfo{UserID: name, Methods: []string{"pwd"}}); err != nil {
			http.Error(w, "Please try again.", http.StatusServiceUnavailable)
			return
		}
		http.Redirect(w, r, "/account", http.StatusSeeOther)
	})
	handler := site.Handler(mux) // serve it with ListenAndServeTLS

	// The browser loads the form, and gets a pre-session cookie with it.
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, httptest.NewRequest("GET", "https://app.example/login", nil))
	_, rest, _ := strings.Cut(w.Body.String(), `value="`)
	token, _, _ := strings.Cut(rest, `"`)
	preSession := w.Result().Cookies()[0]
	fmt.Println(w.Header().Get("Strict-Transport-Security"))

	submit := func(site string) {
		body := url.Values{"csrf_token": {token}, "username": {"alice"}, "password": {"correct horse"}}
		r := httptest.NewRequest("POST", "https://app.example/login", strings.NewReader(body.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", site)
		r.AddCookie(preSession)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		var set []string
		for _, c := range w.Result().Cookies() {
			set = append(set, c.Name)
		}
		fmt.Println(site, w.Code, set)
	}
	submit("cross-site")  // another site's page posts the form: refused
	submit("same-origin") // the form itself: signed in
	// Output:
	// max-age=31536000; includeSubDomains
	// cross-site 403 []
	// same-origin 303 [__Host-device __Host-session]
}
