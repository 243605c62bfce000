package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// tripCounter counts round trips on connections: a write that follows a
// read (or comes first) starts one.
type tripCounter struct {
	mu    sync.Mutex
	trips int
	wrote bool // the last thing done was a write
}

// reset sets the count to zero.
func (c *tripCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.trips, c.wrote = 0, false
}

// count returns the round trips since reset.
func (c *tripCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.trips
}

// tripConn is a connection that reports to a tripCounter.
type tripConn struct {
	net.Conn
	c *tripCounter
}

// Write counts a round trip if the last thing done was a read.
func (t tripConn) Write(b []byte) (int, error) {
	t.c.mu.Lock()
	if !t.c.wrote {
		t.c.trips++
		t.c.wrote = true
	}
	t.c.mu.Unlock()
	return t.Conn.Write(b)
}

// Read notes that a round trip ended.
func (t tripConn) Read(b []byte) (int, error) {
	t.c.mu.Lock()
	t.c.wrote = false
	t.c.mu.Unlock()
	return t.Conn.Read(b)
}

// countingPool returns a pool of one connection on the test server whose
// round trips c counts. It never pings a connection before use, so that
// only the calls' own round trips count.
func countingPool(t *testing.T, c *tripCounter) *pgxpool.Pool {
	testPool(t) // skips if there is no server
	cfg, err := pgxpool.ParseConfig(testURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	cfg.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	var d net.Dialer
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		return tripConn{Conn: conn, c: c}, err
	}
	p, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// TestRoundTrips counts the round trips of each call once its statement is
// prepared on the connection: one for every call, two for a sweep (expired
// sessions, then old audit events), for a Find of any hash but a
// current one (the sessions' index, then the token index), and for an
// Update that changes the token hashes or loses the compare-and-swap (the
// data write's statement, then the one that re-indexes). A login whose
// audit events are kept in the store, with its first data, is one: its
// CreateWithEvents.
func TestRoundTrips(t *testing.T) {
	var c tripCounter
	s := newStore(t, countingPool(t, &c), pgstore.Config{SweepInterval: -1})
	m, err := sessiond.New(s, sessiond.Config{Auditor: nopAuditor{}})
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	// kept keeps its events in s, so that a login is one CreateWithEvents.
	kept, err := sessiond.New(s, sessiond.Config{Auditor: sessiond.StoreAuditor{Store: s, Next: nopAuditor{}}})
	if err != nil {
		t.Fatal(err)
	}
	rec := storetest.NewRecord("alice")
	stale := *rec
	stale.Version++
	now := time.Now().UTC()
	data := storetest.NewRecord("alice")
	rotation := storetest.NewRecord("alice")
	// update writes the next version of *cur, with new data or rotated,
	// and makes it *cur.
	update := func(cur **sessiond.Record, rotate bool) func(context.Context) error {
		return func(ctx context.Context) error {
			next := **cur
			next.Version++
			next.Data = []byte(fmt.Sprint(next.Version))
			if rotate {
				next.Retired = []sessiond.RetiredToken{{Hash: next.TokenHash, GraceUntil: now}}
				next.TokenHash = storetest.NewRecord("").TokenHash
			}
			*cur = &next
			return s.Update(ctx, &next, next.Version-1)
		}
	}
	rotated := storetest.NewRecord("alice")
	retired := storetest.NewRecord("").TokenHash
	rotated.Retired = []sessiond.RetiredToken{{Hash: retired, GraceUntil: now.Add(time.Minute)}}
	find := func(h sessiond.Hash) func(context.Context) error {
		return func(ctx context.Context) error {
			if _, found, err := s.Find(ctx, h); err != nil || found != (h != sessiond.Hash{}) {
				return fmt.Errorf("Find: got (%t, %v)", found, err)
			}
			return nil
		}
	}
	tests := []struct {
		name  string
		call  func(ctx context.Context) error
		trips int
	}{
		{"Get", func(ctx context.Context) error { _, _, err := s.Get(ctx, rec.ID); return err }, 1},
		{"Find", find(rec.TokenHash), 1},
		{"FindRetired", find(retired), 2},
		{"FindUnknown", find(sessiond.Hash{}), 2},
		{"ListUser", func(ctx context.Context) error { _, err := s.ListUser(ctx, "alice"); return err }, 1},
		{"Create", func(ctx context.Context) error { return s.Create(ctx, storetest.NewRecord("alice")) }, 1},
		{"UpdateData", update(&data, false), 1},
		{"UpdateRotation", update(&rotation, true), 2},
		{"UpdateConflict", func(ctx context.Context) error { return ignoreConflict(s.Update(ctx, &stale, rec.Version-1)) }, 2},
		{"Touch", func(ctx context.Context) error { return s.Touch(ctx, rec.ID, now, now.Add(time.Hour)) }, 1},
		{"Delete", func(ctx context.Context) error { return s.Delete(ctx, "missing") }, 1},
		{"AppendEvent", func(ctx context.Context) error { return s.AppendEvent(ctx, sessiond.Event{ID: "e"}) }, 1},
		{"CreateWithEvents", func(ctx context.Context) error {
			r := storetest.NewRecord("alice")
			return s.CreateWithEvents(ctx, r, []sessiond.Event{{ID: "e", Type: sessiond.EventCreated, SessionID: r.ID}})
		}, 1},
		{"ManagerLoginKept", func(ctx context.Context) error {
			_, _, err := kept.LoginToken(ctx, sessiond.LoginInfo{UserID: "alice", Data: map[string]any{"v": "x"}})
			return err
		}, 1},
		{"QueryEvents", func(ctx context.Context) error {
			_, err := s.QueryEvents(ctx, sessiond.EventQuery{UserID: "alice"})
			return err
		}, 1},
		{"Sweep", func(ctx context.Context) error { _, err := s.Sweep(ctx); return err }, 2},
		{"ManagerLoad", func(ctx context.Context) error { _, _, err := m.Load(ctx, tok, sessiond.Client{}); return err }, 1},
		{"DeleteAll", func(ctx context.Context) error { _, err := s.DeleteAll(ctx); return err }, 1},
	}
	mustCreate(t, s, rec)
	mustCreate(t, s, rotated)
	mustCreate(t, s, data)
	mustCreate(t, s, rotation)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(t.Context()); err != nil { // prepares the statement
				t.Fatalf("first call: got error %v, want nil", err)
			}
			c.reset()
			if err := tc.call(t.Context()); err != nil {
				t.Fatalf("second call: got error %v, want nil", err)
			}
			if got := c.count(); got != tc.trips {
				t.Errorf("round trips: got %d, want %d", got, tc.trips)
			}
		})
	}
}

// ignoreConflict returns nil for ErrConflict: an Update that lost the
// compare-and-swap made its round trip all the same.
func ignoreConflict(err error) error {
	if errors.Is(err, sessiond.ErrConflict) {
		return nil
	}
	return err
}
