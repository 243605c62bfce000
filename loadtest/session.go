package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/redisstore"
)

// closingStore is a session store that can be closed.
type closingStore interface {
	sessiond.Store
	Close() error
}

// touchEvery is sessiond's default TouchInterval, set explicitly so that
// the sign-ins can be spread over it.
const touchEvery = sessiond.DefaultIdleTimeout / 100

// sessionHandler signs in o.sessions sessions on o's store, writes their
// tokens to o.tokens and returns the middleware around ok; in write mode,
// ok first sets one value in the request's session (a counter, so that
// every request changes it).
//
// Sessions signed in at one moment would all fall due for their touch
// together, once every TouchInterval: a burst of writes that no site whose
// users come and go sees. So the i-th session is signed in as if
// i/o.sessions of a TouchInterval ago, and their touches come due evenly
// spread, as in steady use.
func sessionHandler(ctx context.Context, o options) (http.Handler, func(), error) {
	s, err := openStore(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	var back atomic.Int64 // how far the Manager's clock runs behind
	m, err := sessiond.New(s, sessiond.Config{
		Auditor:       quiet{},
		TouchInterval: touchEvery,
		Now:           func() time.Time { return time.Now().Add(-time.Duration(back.Load())) },
	})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	defer back.Store(0)
	var toks strings.Builder
	for i := range o.sessions {
		back.Store(int64(touchEvery) * int64(i) / int64(o.sessions))
		_, tok, err := m.LoginToken(ctx, sessiond.LoginInfo{
			UserID:  "user-" + strconv.Itoa(i),
			Methods: []string{"pwd"},
			Client:  sessiond.Client{IP: "127.0.0.1"},
		})
		if err != nil {
			s.Close()
			return nil, nil, fmt.Errorf("login: %w", err)
		}
		toks.WriteString(tok + "\n")
	}
	if err := os.WriteFile(o.tokens, []byte(toks.String()), 0o600); err != nil {
		s.Close()
		return nil, nil, err
	}
	ok := answer(o.typed)
	var n atomic.Int64 // the value write mode sets
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := sessiond.FromContext(r.Context())
		if sess == nil {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		if o.mode == "write" {
			// Written, merged with any other key, as the response begins.
			if err := sess.Set("n", n.Add(1)); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		ok(w)
	}))
	return h, func() { s.Close() }, nil
}

// openStore opens a fresh store of o's kind, under a key prefix or schema
// of the load test's own.
func openStore(ctx context.Context, o options) (closingStore, error) {
	kind, err := storeKind(o)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "bolt":
		path := filepath.Join(o.dir, "loadtest-session.db")
		os.Remove(path)
		return boltstore.New(boltstore.Config{Path: path})
	case "redis":
		return emptied(redisstore.NewFromURL(ctx, o.redisURL+"?prefix=loadtest:"))
	case "postgres":
		return emptied(pgstore.NewFromURL(ctx, o.postgresURL, pgstore.Config{Schema: "loadtest"}))
	}
	return memstore.New(memstore.Config{}), nil
}

// emptied returns s without the sessions of an earlier run.
func emptied[S closingStore](s S, err error) (closingStore, error) {
	if err != nil {
		return nil, err
	}
	if _, err := s.DeleteAll(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// quiet is an auditor that keeps nothing: the load test measures the
// read path, not logging.
type quiet struct{}

func (quiet) Audit(context.Context, sessiond.Event) {}
