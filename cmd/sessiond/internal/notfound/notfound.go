// Package notfound gives a site built on an http.ServeMux its own page for
// the paths it does not serve, in place of the mux's plain "404 page not
// found", while a path it serves, asked with a method it does not take,
// keeps the mux's 405 and its Allow header.
package notfound

import "net/http"

// Wrap returns a handler that serves a request with mux, or with page when
// no route of mux has the request's path, whatever its method. Page writes
// the status itself (404).
func Wrap(mux *http.ServeMux, page http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !routed(mux, r) {
			page.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// methods are the methods a route of a site may name.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// routed reports whether mux has a route for r's path: for r's method
// (mux.Handler names its pattern, or where it redirects) or, failing that,
// for another, which makes the mux's answer a 405.
func routed(mux *http.ServeMux, r *http.Request) bool {
	if _, pattern := mux.Handler(r); pattern != "" {
		return true
	}
	probe := r.WithContext(r.Context()) // a shallow copy, to change its method
	for _, m := range methods {
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" {
			return true
		}
	}
	return false
}
