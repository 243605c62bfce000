package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond/redisstore"
	"github.com/sessiond/sessiond/storetest"
	bolt "go.etcd.io/bbolt"
)

// access reads or writes the value of key i in a store, as a plain
// handler would.
type access func(ctx context.Context, i int) error

// plainOps are the two things a plain handler does to the value of key i:
// read it, or replace it with a value of a typical record's size.
type plainOps struct {
	read, write access
}

// plainHandler stores o.sessions values of a typical record's size and
// returns a handler that reads one of them per request, round robin, or
// in upsert mode replaces one, as a bare handler that writes would: an
// INSERT ... ON CONFLICT DO UPDATE on PostgreSQL, a SET on Redis, a bbolt
// read-write transaction that puts it, a map entry under a mutex in
// memory.
func plainHandler(ctx context.Context, o options) (http.Handler, func(), error) {
	kind, err := storeKind(o)
	if err != nil {
		return nil, nil, err
	}
	value, err := storetest.NewRecord("user-1").MarshalBinary()
	if err != nil {
		return nil, nil, err
	}
	var (
		ops     plainOps
		cleanup = func() {}
	)
	switch kind {
	case "memory":
		ops = plainMemory(value)
	case "bolt":
		ops, cleanup, err = plainBolt(o, value)
	case "redis":
		ops, cleanup, err = plainRedis(ctx, o, value)
	case "postgres":
		ops, cleanup, err = plainPostgres(ctx, o, value)
	}
	if err != nil {
		return nil, nil, err
	}
	op := ops.read
	if o.mode == "upsert" {
		op = ops.write
	}
	ok := answer(o.typed)
	var next atomic.Uint64
	n := uint64(max(o.sessions, 1))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := op(r.Context(), int(next.Add(1)%n)); err != nil {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		ok(w)
	})
	return h, cleanup, nil
}

// plainMemory reads nothing, and writes a copy of the value into a map
// under a mutex.
func plainMemory(value []byte) plainOps {
	var (
		mu sync.Mutex
		m  = make(map[int][]byte)
	)
	write := func(_ context.Context, i int) error {
		v := slices.Clone(value)
		mu.Lock()
		m[i] = v
		mu.Unlock()
		return nil
	}
	return plainOps{read: func(context.Context, int) error { return nil }, write: write}
}

// plainBolt reads a key in a bbolt read transaction, copying the value
// out as a store must, or puts it in a read-write transaction of its own.
func plainBolt(o options, value []byte) (plainOps, func(), error) {
	path := filepath.Join(o.dir, "loadtest-"+o.mode+".db")
	os.Remove(path)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return plainOps{}, nil, err
	}
	bucket := []byte("plain")
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucket)
		for i := 0; err == nil && i < o.sessions; i++ {
			err = b.Put([]byte(strconv.Itoa(i)), value)
		}
		return err
	})
	if err != nil {
		db.Close()
		return plainOps{}, nil, err
	}
	read := func(_ context.Context, i int) error {
		return db.View(func(tx *bolt.Tx) error {
			v := tx.Bucket(bucket).Get([]byte(strconv.Itoa(i)))
			if v == nil {
				return fmt.Errorf("key %d missing", i)
			}
			_ = append([]byte(nil), v...)
			return nil
		})
	}
	write := func(_ context.Context, i int) error {
		return db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucket).Put([]byte(strconv.Itoa(i)), value)
		})
	}
	return plainOps{read, write}, func() { db.Close() }, nil
}

// plainRedis reads a key with one GET, or sets it with one SET, on a
// client with redisstore's settings.
func plainRedis(ctx context.Context, o options, value []byte) (plainOps, func(), error) {
	opt, err := rueidis.ParseURL(o.redisURL)
	if err != nil {
		return plainOps{}, nil, err
	}
	opt.ForceSingleClient, opt.DisableCache = true, true
	opt.Dialer = net.Dialer{Timeout: 2 * time.Second, KeepAlive: 500 * time.Millisecond}
	opt.ConnWriteTimeout = time.Second
	opt.MaxFlushDelay = redisstore.FlushDelay
	c, err := rueidis.NewClient(opt)
	if err != nil {
		return plainOps{}, nil, err
	}
	key := func(i int) string { return "loadtest:" + o.mode + ":" + strconv.Itoa(i) }
	write := func(ctx context.Context, i int) error {
		return c.Do(ctx, c.B().Set().Key(key(i)).Value(rueidis.BinaryString(value)).Build()).Error()
	}
	for i := range o.sessions {
		if err := write(ctx, i); err != nil {
			c.Close()
			return plainOps{}, nil, err
		}
	}
	read := func(ctx context.Context, i int) error {
		_, err := c.Do(ctx, c.B().Get().Key(key(i)).Build()).AsBytes()
		return err
	}
	return plainOps{read, write}, c.Close, nil
}

// plainPostgres reads a row with one SELECT by primary key, or replaces
// it with one INSERT ... ON CONFLICT DO UPDATE.
func plainPostgres(ctx context.Context, o options, value []byte) (plainOps, func(), error) {
	pool, err := pgxpool.New(ctx, o.postgresURL)
	if err != nil {
		return plainOps{}, nil, err
	}
	schema := "loadtest_" + o.mode // plain and floor may run side by side
	table := pgx.Identifier{schema, "plain"}
	setup := "CREATE SCHEMA IF NOT EXISTS " + pgx.Identifier{schema}.Sanitize() + ";\n" +
		"DROP TABLE IF EXISTS " + table.Sanitize() + ";\n" +
		"CREATE TABLE " + table.Sanitize() + " (id text PRIMARY KEY, rec bytea NOT NULL)"
	if _, err := pool.Exec(ctx, setup); err != nil {
		pool.Close()
		return plainOps{}, nil, err
	}
	rows := make([][]any, o.sessions)
	for i := range rows {
		rows[i] = []any{strconv.Itoa(i), value}
	}
	if _, err := pool.CopyFrom(ctx, table, []string{"id", "rec"}, pgx.CopyFromRows(rows)); err != nil {
		pool.Close()
		return plainOps{}, nil, err
	}
	query := "SELECT rec FROM " + table.Sanitize() + " WHERE id = $1"
	read := func(ctx context.Context, i int) error {
		var rec []byte
		return pool.QueryRow(ctx, query, strconv.Itoa(i)).Scan(&rec)
	}
	upsert := "INSERT INTO " + table.Sanitize() + " (id, rec) VALUES ($1, $2)\n" +
		"ON CONFLICT (id) DO UPDATE SET rec = excluded.rec"
	write := func(ctx context.Context, i int) error {
		_, err := pool.Exec(ctx, upsert, strconv.Itoa(i), value)
		return err
	}
	return plainOps{read, write}, pool.Close, nil
}
