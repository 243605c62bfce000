// Command consumer is an application that depends on sessiond the way a user
// of the published modules does. .ci/run builds it in a module of its own,
// outside the repository, whose go.mod requires the library and boltstore at
// their release version and replaces them with the checkout: it builds only if
// those modules need nothing that a user's module would not get.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/secheaders"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run serves a login, an account page and a logout with sessions in a bolt
// file, CSRF protection and security headers.
func run() error {
	store, err := boltstore.New(boltstore.Config{Path: filepath.Join(os.TempDir(), "consumer-sessions.db")})
	if err != nil {
		return err
	}
	defer store.Close()
	sessions, err := sessiond.New(store, sessiond.Config{})
	if err != nil {
		return err
	}
	protect := csrf.New(csrf.Config{
		SessionID: func(r *http.Request) string {
			if s := sessiond.FromContextAny(r.Context()); s != nil {
				return s.ID()
			}
			return ""
		},
	})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<form method="post"><input type="hidden" name="csrf_token" value="%s"><button>Sign in</button></form>`, protect.Token(w, r))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if _, err := sessions.Login(r.Context(), sessiond.LoginInfo{UserID: "42", Methods: []string{"pwd"}}); err != nil {
			http.Error(w, "login failed", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/account", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /account", func(w http.ResponseWriter, r *http.Request) {
		s := sessiond.FromContext(r.Context())
		if s == nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		fmt.Fprintf(w, "hello, user %s", s.UserID())
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := sessions.Logout(r.Context()); err != nil {
			http.Error(w, "logout failed", http.StatusInternalServerError)
		}
	})

	handler := secheaders.New(secheaders.Config{}).Handler(sessions.Handler(protect.Handler(mux)))
	return http.ListenAndServeTLS("127.0.0.1:8443", "cert.pem", "key.pem", handler)
}
