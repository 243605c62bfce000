package main

import (
	"context"
	"encoding/binary"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/gomodule/redigo/redis"
	"github.com/jackc/pgx/v5/pgxpool"
	bolt "go.etcd.io/bbolt"
)

// scsHandler returns scs's LoadAndSave around a handler that does what
// login mode's does with scs: a new token (RenewToken, as scs asks of a
// login) and loginValue put in the session, committed by the middleware
// in one store write. The store is scs's own for Redis (redigo) and
// PostgreSQL (pgx), and its memory store; scs's bbolt store is not to be
// had here, so bolt gets scsBolt, which writes as that store does.
func scsHandler(ctx context.Context, o options) (http.Handler, func(), error) {
	kind, err := storeKind(o)
	if err != nil {
		return nil, nil, err
	}
	sm := scs.New()
	cleanup := func() {}
	switch kind {
	case "memory":
		sm.Store = memstore.New()
	case "bolt":
		sm.Store, cleanup, err = scsBolt(o)
	case "redis":
		sm.Store, cleanup, err = scsRedis(o)
	case "postgres":
		sm.Store, cleanup, err = scsPostgres(ctx, o)
	}
	if err != nil {
		return nil, nil, err
	}
	answer := answer(o.typed)
	h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := sm.RenewToken(r.Context()); err != nil {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		sm.Put(r.Context(), "v", loginValue)
		answer(w)
	}))
	return h, cleanup, nil
}

// scsRedis returns scs's redisstore, under a prefix of its own emptied
// first, on a redigo pool that keeps a connection for each of wrk's.
func scsRedis(o options) (scs.Store, func(), error) {
	pool := &redis.Pool{MaxIdle: 64, Dial: func() (redis.Conn, error) { return redis.DialURL(o.redisURL) }}
	conn := pool.Get()
	defer conn.Close()
	const empty = "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end"
	if _, err := conn.Do("EVAL", empty, 0, "loadtest:scs:*"); err != nil {
		pool.Close()
		return nil, nil, err
	}
	return redisstore.NewWithPrefix(pool, "loadtest:scs:"), func() { pool.Close() }, nil
}

// scsPostgres returns scs's pgxstore on a fresh sessions table of its
// own schema, made as scs's README makes it.
func scsPostgres(ctx context.Context, o options) (scs.Store, func(), error) {
	cfg, err := pgxpool.ParseConfig(o.postgresURL)
	if err != nil {
		return nil, nil, err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = "loadtest_scs"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	setup := `CREATE SCHEMA IF NOT EXISTS loadtest_scs;
DROP TABLE IF EXISTS loadtest_scs.sessions;
CREATE TABLE loadtest_scs.sessions (token TEXT PRIMARY KEY, data BYTEA NOT NULL, expiry TIMESTAMPTZ NOT NULL);
CREATE INDEX sessions_expiry_idx ON loadtest_scs.sessions (expiry)`
	if _, err := pool.Exec(ctx, setup); err != nil {
		pool.Close()
		return nil, nil, err
	}
	return pgxstore.New(pool), pool.Close, nil
}

// scsBolt returns an scs store on bbolt that writes as scs's boltstore
// does: one read-write transaction of its own per commit, the expiry
// before the data in the value.
func scsBolt(o options) (scs.Store, func(), error) {
	path := filepath.Join(o.dir, "loadtest-scs.db")
	os.Remove(path)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket(scsBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return boltSCS{db}, func() { db.Close() }, nil
}

// scsBucket is the bucket of scsBolt's sessions.
var scsBucket = []byte("scs.session")

// boltSCS is scsBolt's store.
type boltSCS struct{ db *bolt.DB }

// Find returns the data of token, unless it is missing or expired.
func (s boltSCS) Find(token string) (b []byte, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(scsBucket).Get([]byte(token))
		if len(v) < 8 || time.Now().UnixNano() > int64(binary.BigEndian.Uint64(v)) {
			return nil
		}
		b, found = append([]byte(nil), v[8:]...), true
		return nil
	})
	return b, found, err
}

// Commit stores token's data and expiry.
func (s boltSCS) Commit(token string, b []byte, expiry time.Time) error {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(b)), uint64(expiry.UnixNano()))
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(scsBucket).Put([]byte(token), append(v, b...))
	})
}

// Delete removes token.
func (s boltSCS) Delete(token string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(scsBucket).Delete([]byte(token))
	})
}
