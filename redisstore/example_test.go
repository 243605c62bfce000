package redisstore_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/redis/rueidis"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/redisstore"
)

// ExampleNewFromURL puts sessions in Redis. For a Cluster, the URL would
// be "redis+cluster://10.0.0.1:6379,10.0.0.2:6379". It needs a server, so
// it only compiles here.
func ExampleNewFromURL() {
	ctx := context.Background()
	store, err := redisstore.NewFromURL(ctx, "redis://127.0.0.1:6379/0?prefix=myapp:")
	if err != nil {
		log.Fatal(err) // a bad URL or an unreachable server
	}
	defer store.Close()

	m, err := sessiond.New(store, sessiond.Config{
		// Every process of the application shares the store, and so
		// needs the same keys to open session data.
		Keys:    []sessiond.Key{{ID: 1, Secret: make([]byte, 32)}}, // use 32 random bytes
		Auditor: sessiond.StoreAuditor{Store: store},
	})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/", m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := sessiond.FromContext(r.Context()); s != nil {
			fmt.Fprintln(w, "hello,", s.UserID())
		}
	})))
}

// ExampleNew uses a client the application made itself; the store leaves
// it open on Close. It needs a server, so it only compiles here.
func ExampleNew() {
	c, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:      []string{"127.0.0.1:6379"},
		DisableCache:     true, // a cached read could serve a revoked session
		ConnWriteTimeout: 2 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	store, err := redisstore.New(redisstore.Config{Client: c, Prefix: "myapp:"})
	if err != nil {
		log.Fatal(err)
	}
	_, found, err := store.Get(context.Background(), "no such session")
	fmt.Println(found, err)
}
