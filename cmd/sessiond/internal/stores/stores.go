// Package stores opens the session store a --store URL names.
package stores

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/pgstore"
)

// Store is a session store that can be closed; every store sessiond opens
// also keeps audit events.
type Store interface {
	sessiond.Store
	sessiond.AuditStore
	io.Closer
}

// Open opens the store of rawURL: memory://, bolt://PATH,
// redis://HOST:PORT/DB, rediss://..., redis+cluster://H1:P1,H2:P2 or
// postgres://... Errors never repeat the URL, which may hold a password.
func Open(ctx context.Context, rawURL string) (Store, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, errors.New("--store: want a URL such as bolt://PATH")
	}
	switch Kind(rawURL) {
	case "memory":
		return memstore.New(memstore.Config{}), nil
	case "bolt":
		return openBolt(rest)
	case "redis":
		return openRedis(ctx, rawURL)
	case "postgres":
		s, err := pgstore.NewFromURL(ctx, rawURL, pgstore.Config{})
		if err != nil {
			return nil, fmt.Errorf("--store postgres: %w", err)
		}
		return s, nil
	}
	return nil, fmt.Errorf("--store: unknown scheme %q", scheme)
}

// Kind is the kind of store rawURL names: "memory", "bolt", "redis" (a
// standalone server, over TLS or not, or a Cluster) or "postgres"; ""
// for any other.
func Kind(rawURL string) string {
	scheme, _, _ := strings.Cut(rawURL, "://")
	switch strings.ToLower(scheme) {
	case "memory", "bolt":
		return strings.ToLower(scheme)
	case "redis", "rediss", "redis+cluster":
		return "redis"
	case "postgres", "postgresql":
		return "postgres"
	}
	return ""
}

// openBolt opens bolt://PATH, PATH being a file path (percent-decoded).
func openBolt(path string) (Store, error) {
	p, err := url.PathUnescape(path)
	if err != nil || p == "" {
		return nil, errors.New("--store bolt: want bolt://PATH")
	}
	s, err := boltstore.New(boltstore.Config{Path: filepath.Clean(p)})
	if err != nil {
		return nil, fmt.Errorf("--store bolt: %w", err)
	}
	return s, nil
}
