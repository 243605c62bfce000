package pgstore_test

import (
	"context"
	"log"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
)

// ExampleNewFromURL runs sessiond's middleware on PostgreSQL, with a pool
// that the store makes and closes. It needs a server, so it is compiled
// but not run.
func ExampleNewFromURL() {
	ctx := context.Background()
	store, err := pgstore.NewFromURL(ctx, "postgres://app@127.0.0.1:5432/app?sslmode=disable", pgstore.Config{})
	if err != nil {
		log.Fatal(err) // the server is unreachable or the migrations failed
	}
	defer store.Close()

	// Every process that shares the store must share the keys that seal
	// session data; load them from the secret store in real use.
	keys := []sessiond.Key{{ID: 1, Secret: make([]byte, 32)}}
	m, err := sessiond.New(store, sessiond.Config{Keys: keys})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if s := sessiond.FromContext(r.Context()); s != nil {
			w.Write([]byte("hello, " + s.UserID()))
		}
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", m.Handler(mux)))
}

// ExampleNew shares the application's pool, keeps sessions in a schema of
// their own, sweeps every ten minutes and keeps a year of audit events,
// which it also stores through sessiond.StoreAuditor. It needs a server,
// so it is compiled but not run.
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://app@127.0.0.1:5432/app?sslmode=disable")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pgstore.New(ctx, pgstore.Config{
		Pool:           pool,
		Schema:         "sessions",
		SweepInterval:  10 * time.Minute,
		AuditRetention: 365 * 24 * time.Hour,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	m, err := sessiond.New(store, sessiond.Config{
		Keys:    []sessiond.Key{{ID: 1, Secret: make([]byte, 32)}},
		Auditor: sessiond.StoreAuditor{Store: store},
	})
	if err != nil {
		log.Fatal(err)
	}
	_, token, err := m.LoginToken(ctx, sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}})
	if err != nil {
		log.Fatal(err) // the store failed: refuse the login
	}
	_ = token // delivered to the client, in a cookie by the middleware
}

// ExampleStore_Sweep removes expired sessions at once, as an operator's
// command might, instead of waiting for the janitor.
func ExampleStore_Sweep() {
	ctx := context.Background()
	store, err := pgstore.NewFromURL(ctx, "postgres://app@127.0.0.1:5432/app?sslmode=disable",
		pgstore.Config{SweepInterval: -1}) // no janitor in a one-off command
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	n, err := store.Sweep(ctx)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("removed %d expired sessions", n)
}
