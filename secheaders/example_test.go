package secheaders_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/sessiond/sessiond/secheaders"
)

// ExamplePolicy_Handler wraps an application, so that every response,
// a 404 included, carries the security headers.
func ExamplePolicy_Handler() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("<p>hello</p>"))
	})
	h := secheaders.New(secheaders.Config{}).Handler(mux)

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/missing", nil))
	fmt.Println(w.Code)
	fmt.Println(w.Header().Get("Strict-Transport-Security"))
	fmt.Println(w.Header().Get("Content-Security-Policy"))
	// Output:
	// 404
	// max-age=31536000; includeSubDomains
	// default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'
}

// ExampleNew replaces the content security policy for the whole site; New
// checks that it still blocks plugins, <base> and framing by others.
func ExampleNew() {
	p := secheaders.New(secheaders.Config{
		HSTSPreload: true,
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' https://images.example; " +
			"object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
	})
	w := httptest.NewRecorder()
	p.Handler(http.NotFoundHandler()).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	fmt.Println(w.Header().Get("Strict-Transport-Security"))
	fmt.Println(w.Header().Get("X-Frame-Options"))
	// Output:
	// max-age=31536000; includeSubDomains; preload
	// SAMEORIGIN
}

// ExampleClearSiteData tells the browser to forget the site at logout.
func ExampleClearSiteData() {
	logout := func(w http.ResponseWriter, r *http.Request) {
		// ... end the session on the server, then:
		secheaders.ClearSiteData(w)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
	w := httptest.NewRecorder()
	logout(w, httptest.NewRequest("POST", "/logout", nil))
	fmt.Println(w.Header().Get("Clear-Site-Data"))
	// Output: "cache", "cookies", "storage"
}

// ExampleRedirectHTTPS serves the same application on both ports: plain
// HTTP only ever redirects.
func ExampleRedirectHTTPS() {
	app := secheaders.New(secheaders.Config{}).Handler(http.NotFoundHandler())
	h := secheaders.RedirectHTTPS(app)
	// go http.ListenAndServe(":80", h)
	// http.ListenAndServeTLS(":443", cert, key, h)

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://example.com/account", nil))
	fmt.Println(w.Code, w.Header().Get("Location"))
	// Output: 308 https://example.com/account
}
