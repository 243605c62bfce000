package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/redisstore"
)

// fillWorkers is how many records a fill creates at once: enough for
// rueidis to pipeline them, for PostgreSQL to commit them in groups and
// for bbolt's group commit to share its fsyncs.
const fillWorkers = 64

// scaleUser is the user whose sessions are listed and revoked among the
// many others, each of which belongs to a user of its own.
const scaleUser = "scale-user"

// scaleClient is the client every scale request comes from, and every
// record was signed in from, so that no read is an anomaly.
var scaleClient = sessiond.Client{IP: "127.0.0.1", UserAgent: "loadtest"}

// scaleStore is one store of a scale run and the Manager that reads it.
type scaleStore struct {
	label  string // the store's size, e.g. "10k"
	n      int    // sessions filled
	store  closingStore
	m      *sessiond.Manager
	tokens []string // the tokens of the sample the reads go through
	// fillRate is the records a second the fill created.
	fillRate float64
	// expired counts the records the store's sweeper removed.
	expired atomic.Int64
	// drop removes what the run left in the backend; the store is closed.
	drop func() error
}

// scaleName returns the schema or file name of the store of label (on
// Redis its key prefix is "loadtest:" and the rest): "loadtest_scale_", o's tag and the label.
func scaleName(o options, label string) string { return "loadtest_scale_" + o.scale.tag + label }

// openScaleStore opens the store of label on o's backend, empty when
// fresh. A fill store takes writes in bulk: on PostgreSQL it has 16
// connections and commits without waiting for the WAL flush (the fill is
// set-up, not measured); the others are as a server opens them. Its
// sweeper runs every o.scale.sweepEvery.
func openScaleStore(ctx context.Context, o options, label string, fill, fresh bool) (closingStore, error) {
	kind, err := storeKind(o)
	if err != nil {
		return nil, err
	}
	var s closingStore
	switch kind {
	case "bolt":
		path := filepath.Join(o.dir, scaleName(o, label)+".db")
		if fresh {
			os.Remove(path)
		}
		s, err = boltstore.New(boltstore.Config{Path: path, SweepInterval: o.scale.sweepEvery})
	case "redis":
		s, err = redisstore.NewFromURL(ctx, withQuery(o.redisURL, "prefix", "loadtest:"+strings.TrimPrefix(scaleName(o, label), "loadtest_")+":"))
	case "postgres":
		u := o.postgresURL
		if fill {
			u = withQuery(withQuery(u, "pool_max_conns", "16"), "synchronous_commit", "off")
		}
		s, err = pgstore.NewFromURL(ctx, u, pgstore.Config{Schema: scaleName(o, label), SweepInterval: o.scale.sweepEvery})
	default:
		return nil, fmt.Errorf("scale mode needs bolt, redis or postgres, not %q", kind)
	}
	if err != nil || !fresh || kind == "bolt" {
		return s, err
	}
	return emptied(s, nil)
}

// withQuery returns the URL u with the query parameter k set to v.
func withQuery(u, k, v string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u // the store reports the bad URL
	}
	q := p.Query()
	q.Set(k, v)
	p.RawQuery = q.Encode()
	return p.String()
}

// dropScaleStore returns what removes the store of label from o's
// backend once it is closed: its file, its schema, or its keys.
func dropScaleStore(o options, label string, s closingStore) func() error {
	switch o.store {
	case "bolt":
		return func() error {
			s.Close()
			return os.Remove(filepath.Join(o.dir, scaleName(o, label)+".db"))
		}
	case "postgres":
		return func() error {
			s.Close()
			return dropSchema(o.postgresURL, scaleName(o, label))
		}
	}
	return func() error {
		_, err := s.DeleteAll(context.Background())
		s.Close()
		return err
	}
}

// dropSchema drops the PostgreSQL schema name and all it holds.
func dropSchema(dsn, name string) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE")
	return err
}

// fillScale fills the store of label with n sessions through a fill
// store, closes that, and returns the store opened for measuring with a
// Manager on it. sample of the sessions, chosen at random, have tokens the
// reads present; the others have random token hashes that no token leads
// to. The user scaleUser has userSessions of them.
func fillScale(ctx context.Context, o options, label string, n int, progress io.Writer) (*scaleStore, error) {
	fs, err := openScaleStore(ctx, o, label, true, true)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	plan := newFillPlan(n, o.scale.sample, o.scale.userSessions, t0)
	if err := createAll(ctx, fs, n, progress, plan.record); err != nil {
		return nil, errors.Join(fmt.Errorf("filling %s: %w", label, err), dropScaleStore(o, label, fs)())
	}
	fs.Close()
	rate := float64(n) / time.Since(t0).Seconds()
	fmt.Fprintf(progress, "filled %s: %d sessions in %s (%.0f/s)\n", label, n, time.Since(t0).Round(time.Millisecond), rate)
	ss := &scaleStore{label: label, n: n, tokens: plan.tokens, fillRate: rate}
	if err := ss.open(ctx, o); err != nil {
		return nil, err
	}
	return ss, nil
}

// open opens ss's store for measuring and the Manager on it. The Manager
// rotates no token: the reads present the fill's tokens to the end of the
// run, and a token rotated (15 minutes after its sign-in by default, which
// the oldest records of a large fill reach) would be refused once its
// grace is over.
func (ss *scaleStore) open(ctx context.Context, o options) error {
	s, err := openScaleStore(ctx, o, ss.label, false, false)
	if err != nil {
		return err
	}
	if w, ok := s.(sessiond.ExpiryWatcher); ok {
		w.OnExpire(func(context.Context, *sessiond.Record) { ss.expired.Add(1) })
	}
	ss.m, err = sessiond.New(s, sessiond.Config{
		Auditor: quiet{}, TouchInterval: touchEvery, RotateEvery: sessiond.DefaultAbsoluteTimeout,
	})
	if err != nil {
		s.Close()
		return err
	}
	ss.store, ss.drop = s, dropScaleStore(o, ss.label, s)
	return nil
}

// fillSpacing is the time between the creations of two records of a
// fill, as if they had been signed in one after the other: their
// deadlines, and so their keys in the indexes ordered by them, follow the
// order of the fill, as those of real sessions follow the order of their
// sign-ins.
const fillSpacing = time.Millisecond

// fillPlan says what each record of a fill is.
type fillPlan struct {
	now    time.Time
	n      int             // records
	users  int             // the first users records are scaleUser's
	sample map[int]int     // record number → its place in tokens
	tokens []string        // the sample's tokens, filled in by record
	hashes []sessiond.Hash // their hashes
}

// newFillPlan chooses sample of n records at random (all when n is not
// more) and makes their tokens.
func newFillPlan(n, sample, users int, now time.Time) *fillPlan {
	p := &fillPlan{now: now, n: n, users: min(users, n), sample: map[int]int{}}
	for _, i := range chooseSample(n, sample, p.users) {
		tok, h := newScaleToken()
		p.sample[i] = len(p.tokens)
		p.tokens = append(p.tokens, tok)
		p.hashes = append(p.hashes, h)
	}
	return p
}

// chooseSample returns up to k distinct numbers from [skip, n), at random.
func chooseSample(n, k, skip int) []int {
	if k >= n-skip {
		out := make([]int, 0, n-skip)
		for i := skip; i < n; i++ {
			out = append(out, i)
		}
		return out
	}
	seen := make(map[int]bool, k)
	out := make([]int, 0, k)
	for len(out) < k {
		if i := skip + mrand.IntN(n-skip); !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}

// record returns record number i of the plan, created fillSpacing after
// record i-1, the last one a TouchInterval before the plan's time. A
// sampled record was last seen up to a TouchInterval ago, spread over it
// so that the reads' touches come due evenly, as in steady use, and is
// idle-timed as usual; the others stay until their absolute deadline.
func (p *fillPlan) record(i int) *sessiond.Record {
	user := "user-" + strconv.Itoa(i)
	if i < p.users {
		user = scaleUser
	}
	j, sampled := p.sample[i]
	var h sessiond.Hash
	if sampled {
		h = p.hashes[j]
	} else {
		rand.Read(h[:])
	}
	created := p.now.Add(-touchEvery - fillSpacing*time.Duration(p.n-1-i))
	rec := newScaleRecord(user, h, created, created.Add(sessiond.DefaultAbsoluteTimeout))
	if sampled {
		rec.LastSeenAt = p.now.Add(-touchEvery * time.Duration(j) / time.Duration(len(p.tokens)))
		rec.IdleExpiresAt = rec.LastSeenAt.Add(sessiond.DefaultIdleTimeout)
	}
	return rec
}

// newScaleRecord returns a signed-in session of user from scaleClient,
// with token hash h, created at now, that expires at expires.
func newScaleRecord(user string, h sessiond.Hash, now, expires time.Time) *sessiond.Record {
	now = now.UTC().Truncate(time.Microsecond)
	id, err := sessiond.NewID(now)
	if err != nil {
		panic(err) // crypto/rand crashes the program rather than fail
	}
	return &sessiond.Record{
		ID:                id,
		UserID:            user,
		TokenHash:         h,
		TokenIssuedAt:     now,
		CreatedAt:         now,
		LastSeenAt:        now,
		IdleExpiresAt:     expires.UTC(),
		AbsoluteExpiresAt: now.Add(sessiond.DefaultAbsoluteTimeout),
		AuthTime:          now,
		AuthMethods:       []string{"pwd"},
		IP:                scaleClient.IP,
		UserAgent:         scaleClient.UserAgent,
		Version:           1,
	}
}

// newScaleToken returns a new session token and its hash, made as
// sessiond makes them.
func newScaleToken() (string, sessiond.Hash) {
	var b [32]byte
	rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	return tok, sha256.Sum256([]byte(tok))
}

// createAll creates record(i) for every i below n in s, fillWorkers at a
// time, reporting progress every tenth.
func createAll(ctx context.Context, s sessiond.Store, n int, progress io.Writer, record func(i int) *sessiond.Record) error {
	return forAll(ctx, n, progress, func(ctx context.Context, i int) error { return s.Create(ctx, record(i)) })
}

// forAll calls do for every i below n, fillWorkers at a time, reporting
// progress every tenth, and stops at the first error.
func forAll(ctx context.Context, n int, progress io.Writer, do func(ctx context.Context, i int) error) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make(chan error, fillWorkers)
	)
	step := int64(max(n/10, 1))
	for range fillWorkers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n) && ctx.Err() == nil; i = next.Add(1) - 1 {
				if err := do(ctx, int(i)); err != nil {
					errs <- err
					cancel() // the others stop at their next record
					return
				}
				if (i+1)%step == 0 && n >= 100_000 {
					fmt.Fprintf(progress, "  %d%%\n", int(math.Round(float64(i+1)*100/float64(n))))
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return parent.Err() // interrupted: the fill is not complete
}
