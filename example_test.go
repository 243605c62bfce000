package sessiond_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
)

// Sessions need nothing but a store; the zero Config is the secure default.
func ExampleNew() {
	store := memstore.New(memstore.Config{})
	defer store.Close()
	m, err := sessiond.New(store, sessiond.Config{})
	if err != nil {
		panic(err)
	}
	s, token, err := m.LoginToken(context.Background(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		panic(err)
	}
	loaded, _, err := m.Load(context.Background(), token, sessiond.Client{})
	fmt.Println(loaded.ID() == s.ID(), loaded.UserID(), err)
	fmt.Println(s.AbsoluteExpiresAt().Sub(s.CreatedAt()), s.IdleExpiresAt().Sub(s.CreatedAt()))
	// Output:
	// true alice <nil>
	// 12h0m0s 30m0s
}

// The middleware loads the cookie's session into the request context; Login
// replaces it and sets the cookie.
func ExampleManager_Handler() {
	store := memstore.New(memstore.Config{})
	defer store.Close()
	m, _ := sessiond.New(store, sessiond.Config{Auditor: nopAuditor{}})

	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		// ... after checking the password:
		m.Login(r.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		if s := sessiond.FromContext(r.Context()); s != nil {
			fmt.Fprintf(w, "hello %s", s.UserID())
			return
		}
		http.Error(w, "who are you?", http.StatusUnauthorized)
	})
	h := m.Handler(mux)

	res := httptest.NewRecorder()
	h.ServeHTTP(res, httptest.NewRequest("POST", "https://example.com/login", nil))
	cookie := res.Header().Get("Set-Cookie")
	name, attrs, _ := strings.Cut(cookie, ";")
	fmt.Println(strings.SplitN(name, "=", 2)[0], attrs)
	fmt.Println(res.Header().Get("Cache-Control"))

	req := httptest.NewRequest("GET", "https://example.com/me", nil)
	req.Header.Set("Cookie", name)
	res = httptest.NewRecorder()
	h.ServeHTTP(res, req)
	fmt.Println(res.Body.String())
	// Output:
	// __Host-session  Path=/; HttpOnly; Secure; SameSite=Lax
	// no-store
	// hello alice
}

// Values are typed: Set encodes, Get decodes into the type asked for.
func ExampleGet() {
	store := memstore.New(memstore.Config{})
	defer store.Close()
	m, _ := sessiond.New(store, sessiond.Config{Auditor: nopAuditor{}})
	s, _, _ := m.LoginToken(context.Background(), sessiond.LoginInfo{UserID: "alice"})

	s.Set("cart", []string{"book", "pen"})
	s.Commit(context.Background())

	cart, ok := sessiond.Get[[]string](s, "cart")
	fmt.Println(cart, ok)
	_, ok = sessiond.Get[int](s, "cart")
	fmt.Println(ok)
	// Output:
	// [book pen] true
	// false
}

// A guard sends a stale login to re-authenticate before a sensitive action.
func ExampleRequireFresh() {
	changePassword := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "password changed")
	})
	mux := http.NewServeMux()
	mux.Handle("POST /account/password", sessiond.RequireFresh(10*time.Minute)(changePassword))

	store := memstore.New(memstore.Config{})
	defer store.Close()
	m, _ := sessiond.New(store, sessiond.Config{Auditor: nopAuditor{}})
	req := httptest.NewRequest("POST", "https://example.com/account/password", nil)
	req.Header.Set("Accept", "text/html")
	res := httptest.NewRecorder()
	m.Handler(mux).ServeHTTP(res, req) // no session at all
	fmt.Println(res.Code, res.Header().Get("Location"))
	// Output:
	// 303 /login?next=%2Faccount%2Fpassword
}
