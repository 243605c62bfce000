package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"os"
	"strings"
)

// floorKey is the context key of the floor handler's token hash.
type floorKey struct{}

// floorHandler is the plain handler behind the least that any server-side
// session layer does on a request, without a store or any check: find the
// session cookie, hash the token, hand the hash to the handler in the
// request's context, and mark the response "Cache-Control: no-store"
// (R46) and "Vary: Cookie". It writes o.sessions random tokens of
// sessiond's length to o.tokens, for the same wrk script. Comparing it
// with plain shows what a session layer cannot avoid; comparing session
// with it, what sessiond adds beyond that.
func floorHandler(ctx context.Context, o options) (http.Handler, func(), error) {
	plain, cleanup, err := plainHandler(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	var toks strings.Builder
	for range o.sessions {
		toks.WriteString(rand.Text() + rand.Text()[:17] + "\n") // 43 characters, as a sessiond token
	}
	if err := os.WriteFile(o.tokens, []byte(toks.String()), 0o600); err != nil {
		cleanup()
		return nil, nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("__Host-session")
		if err != nil {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		sum := sha256.Sum256([]byte(c.Value))
		hdr := w.Header()
		hdr["Cache-Control"] = []string{"no-store"}
		hdr["Vary"] = []string{"Cookie"}
		plain.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), floorKey{}, sum)))
	})
	return h, cleanup, nil
}
