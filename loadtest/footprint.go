package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/redis/rueidis"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/redisstore"
	bolt "go.etcd.io/bbolt"
)

// The session whose footprint footprint mode measures: a signed-in user
// on a desktop browser with a 190-byte payload, each of its own user, so
// that every session pays for its user's index as well.
const (
	footprintAgent    = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	footprintIP       = "203.0.113.195"
	footprintDataSize = 190
)

// footprintName is the PostgreSQL schema, bbolt file name and Redis key
// prefix of footprint mode with o's tag.
func footprintName(o options) string { return "loadtest_footprint_" + o.scale.tag }

// footprint is what a store holds before and after the sessions are
// created, in bytes.
type footprint struct {
	store         string
	n             int
	before, after int64
	what          string // what was measured
}

// perSession is the bytes each session added.
func (f footprint) perSession() float64 { return float64(f.after-f.before) / float64(f.n) }

// runFootprint creates o.sessions sessions in a fresh store of o's kind and
// reports the bytes each costs: on Redis the growth of used_memory (run it
// on a server nothing else uses), on PostgreSQL the growth of the schema's
// tables with their indexes and TOAST, on bbolt the pages in use.
func runFootprint(ctx context.Context, o options, out io.Writer) (footprint, error) {
	kind, err := storeKind(o)
	if err != nil {
		return footprint{}, err
	}
	f := footprint{store: kind, n: o.sessions}
	var (
		s       closingStore
		measure func() (int64, error)
		drop    func() error
	)
	switch kind {
	case "redis":
		s, measure, drop, err = openRedisFootprint(ctx, o)
		f.what = "used_memory"
	case "postgres":
		s, measure, drop, err = openPostgresFootprint(ctx, o, out)
		f.what = "tables, indexes and TOAST"
	case "bolt":
		s, measure, drop, err = openBoltFootprint(o)
		f.what = "pages in use"
	default:
		return f, fmt.Errorf("footprint mode needs bolt, redis or postgres, not %q", kind)
	}
	if err != nil {
		return f, err
	}
	defer func() { err = errors.Join(err, drop()) }()
	m, value, err := footprintManager(ctx, s)
	if err != nil {
		return f, err
	}
	if f.before, err = measure(); err != nil {
		return f, err
	}
	err = forAll(ctx, f.n, out, func(ctx context.Context, i int) error {
		_, _, err := m.LoginToken(ctx, footprintLogin(100_000+i, value))
		return err
	})
	if err != nil {
		return f, err
	}
	if f.after, err = measure(); err != nil {
		return f, err
	}
	fmt.Fprintf(out, "%s: %d sessions, %.0f bytes each (%s)\n", kind, f.n, f.perSession(), f.what)
	return f, nil
}

// footprintLogin is the login of user i, from the footprint's browser,
// that sets value in its session.
func footprintLogin(i int, value string) sessiond.LoginInfo {
	return sessiond.LoginInfo{
		UserID:  "user-" + strconv.Itoa(i),
		Methods: []string{"pwd"},
		Data:    map[string]any{"v": value},
		Client:  sessiond.Client{IP: footprintIP, UserAgent: footprintAgent},
	}
}

// footprintManager returns a Manager on s that keeps no audit events, and
// the value whose session data it seals into footprintDataSize bytes,
// found with a login that it then deletes.
func footprintManager(ctx context.Context, s sessiond.Store) (*sessiond.Manager, string, error) {
	m, err := sessiond.New(s, sessiond.Config{Auditor: quiet{}})
	if err != nil {
		return nil, "", err
	}
	const probe = 100
	sess, _, err := m.LoginToken(ctx, footprintLogin(0, strings.Repeat("v", probe)))
	if err != nil {
		return nil, "", err
	}
	rec, found, err := s.Get(ctx, sess.ID())
	if err == nil && !found {
		err = errors.New("footprint: the probe session is not stored")
	}
	if err == nil {
		err = s.Delete(ctx, rec.ID)
	}
	if err != nil {
		return nil, "", err
	}
	n := probe + footprintDataSize - len(rec.Data)
	if n < 0 {
		return nil, "", fmt.Errorf("footprint: sealed data takes %d bytes with no value", len(rec.Data)-probe)
	}
	return m, strings.Repeat("v", n), nil
}

// openRedisFootprint opens the Redis store of footprint mode, emptied, and
// what measures the server's used_memory.
func openRedisFootprint(ctx context.Context, o options) (closingStore, func() (int64, error), func() error, error) {
	opt, err := rueidis.ParseURL(o.redisURL)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := emptied(redisstore.NewFromURL(ctx, withQuery(o.redisURL, "prefix", footprintName(o)+":")))
	if err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	measure := func() (int64, error) {
		info, err := c.Do(ctx, c.B().Info().Section("memory").Build()).ToString()
		if err != nil {
			return 0, err
		}
		for line := range strings.SplitSeq(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				return strconv.ParseInt(v, 10, 64)
			}
		}
		return 0, errors.New("INFO memory has no used_memory")
	}
	drop := func() error {
		defer c.Close()
		_, err := s.DeleteAll(context.Background())
		return errors.Join(err, s.Close())
	}
	return s, measure, drop, nil
}

// openPostgresFootprint opens the PostgreSQL store of footprint mode in a
// fresh schema, and what measures the schema's tables, writing the size
// of each table (with its indexes and TOAST) and of each index to out.
func openPostgresFootprint(ctx context.Context, o options, out io.Writer) (closingStore, func() (int64, error), func() error, error) {
	schema := footprintName(o)
	if err := dropSchema(o.postgresURL, schema); err != nil {
		return nil, nil, nil, err
	}
	s, err := pgstore.NewFromURL(ctx, o.postgresURL, pgstore.Config{Schema: schema})
	if err != nil {
		return nil, nil, nil, err
	}
	measure := func() (int64, error) {
		c, err := pgx.Connect(ctx, o.postgresURL)
		if err != nil {
			return 0, err
		}
		defer c.Close(ctx)
		rows, err := c.Query(ctx, `SELECT c.relname, c.relkind::text, pg_total_relation_size(c.oid)
			FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
			WHERE ns.nspname = $1 AND c.relkind IN ('r', 'i') ORDER BY c.relkind DESC, c.relname`, schema)
		if err != nil {
			return 0, err
		}
		var total int64
		for rows.Next() {
			var name, kind string
			var size int64
			if err := rows.Scan(&name, &kind, &size); err != nil {
				return 0, err
			}
			if kind == "r" {
				total += size
			}
			fmt.Fprintf(out, "  %-32s %12d bytes\n", name, size)
		}
		return total, rows.Err()
	}
	drop := func() error {
		s.Close()
		return dropSchema(o.postgresURL, schema)
	}
	return s, measure, drop, nil
}

// openBoltFootprint opens the bbolt store of footprint mode in a new file,
// and what measures the pages in use: the file's high-water mark less its
// free pages, read with the store closed (bbolt locks the file), so it
// measures the empty store before it opens it for the fill and closes it
// for the second measure.
func openBoltFootprint(o options) (closingStore, func() (int64, error), func() error, error) {
	path := filepath.Join(o.dir, footprintName(o)+".db")
	os.Remove(path)
	s, err := boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		return nil, nil, nil, err
	}
	s.Close()
	empty, err := boltPagesInUse(path)
	if err == nil {
		s, err = boltstore.New(boltstore.Config{Path: path})
	}
	if err != nil {
		return nil, nil, nil, errors.Join(err, os.Remove(path))
	}
	measured := false
	measure := func() (int64, error) {
		if !measured {
			measured = true
			return empty, nil
		}
		s.Close()
		return boltPagesInUse(path)
	}
	return s, measure, func() error { s.Close(); return os.Remove(path) }, nil
}

// boltPagesInUse returns the bytes of the pages of the bbolt file at path
// that are not free.
func boltPagesInUse(path string) (int64, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var size int64
	err = db.View(func(tx *bolt.Tx) error {
		size = tx.Size() - int64(db.Stats().FreePageN)*int64(db.Info().PageSize)
		return nil
	})
	return size, err
}
