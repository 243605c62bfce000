package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/redisstore"
)

// Settings of the failover test. A replica takes over about
// failoverNodeTimeout after its master dies; the service must work again
// within resumeWithin of that.
const (
	failoverNodeTimeout = 1000 * time.Millisecond
	resumeWithin        = 5 * time.Second
	failoverSessions    = 300 // signed in before the load, 1 in 6 then revoked
	failoverWorkers     = 8
	linkDownLogins      = 50
)

// failoverKnobs are the settings a longer run may change from the
// environment: REDISSTORE_FAILOVER_ROUNDS failovers in each mode (1), each
// once the load has made REDISSTORE_FAILOVER_LOGINS logins (300).
func failoverKnobs(t *testing.T) (rounds, logins int) {
	return knob(t, "REDISSTORE_FAILOVER_ROUNDS", 1), knob(t, "REDISSTORE_FAILOVER_LOGINS", 300)
}

// knob reads the positive number in the environment variable name, or
// returns def if it is not set.
func knob(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// TestClusterFailover kills -9 a master of a Cluster of three masters with
// a replica each, under a load of logins and validations through a
// Manager, without and with wait=1, at once (Kill) or just after cutting
// its link to its replica (LinkDownKill), which the replica then lacks
// the last writes of. In every case: no revoked session is
// let through and no session is answered invalid unless it was lost (it
// is still missing once the Cluster is back); validations work again
// within resumeWithin of the replica's promotion, on the same store and
// Manager (the client refreshes its slot map by itself). Without wait,
// logins work again within resumeWithin of the promotion too; with it,
// they are refused while the new master has no replica, and work again
// within resumeWithin of the killed node's return as its replica. With
// wait, no acknowledged login is missing afterwards. The figures of each
// run are logged.
func TestClusterFailover(t *testing.T) {
	if !haveRedisServer() {
		t.Skip("redis-server is not on the PATH")
	}
	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Skip("redis-cli is not on the PATH")
	}
	rounds, logins := failoverKnobs(t)
	for _, mode := range []struct {
		name  string
		query string
	}{
		{"Async", ""},
		{"Wait", "&wait=1&wait_timeout=200ms"},
	} {
		for _, linkDown := range []bool{false, true} {
			name := mode.name + "/Kill"
			if linkDown {
				name = mode.name + "/LinkDownKill"
			}
			t.Run(name, func(t *testing.T) {
				for i := range rounds {
					fig := failover(t, mode.query, logins, linkDown)
					t.Logf("%s round %d: %s", name, i+1, fig)
					// Without wait, a failover may lose acknowledged
					// logins: their count is a figure, not a failure.
					if mode.query != "" && fig.lostBefore+fig.lostAfter != 0 {
						t.Errorf("acknowledged logins lost: %d before the kill, %d after, want 0", fig.lostBefore, fig.lostAfter)
					}
				}
			})
		}
	}
}

// failoverFigures are what one failover run measured.
type failoverFigures struct {
	ackedBefore, lostBefore int // logins acknowledged before the kill, and missing at the end
	ackedAfter, lostAfter   int // the same for logins acknowledged after the kill
	loginsRefused           int64
	validationsRefused      int64
	wrong                   int           // answers found wrong at the end
	promoted                time.Duration // from the kill to the promotion
	readsBack               time.Duration // from the promotion to validations working
	loginsBack              time.Duration // from the promotion, or with wait the node's return, to logins working
}

// String formats the figures for the log.
func (f failoverFigures) String() string {
	return fmt.Sprintf("logins acknowledged before the kill %d, lost %d; after %d, lost %d; refused logins %d, validations %d; wrong answers %d; "+
		"kill to promotion %v, promotion to validations back %v, to logins back %v",
		f.ackedBefore, f.lostBefore, f.ackedAfter, f.lostAfter, f.loginsRefused, f.validationsRefused, f.wrong,
		f.promoted.Round(time.Millisecond), f.readsBack.Round(time.Millisecond), f.loginsBack.Round(time.Millisecond))
}

// failover runs one failover on a new Cluster, with a store made by
// NewFromURL with the query parameters query, once the load has made
// logins logins, and returns its figures. With linkDown, the master's
// link to its replica is cut just before the kill, as by a network
// fault, and the load goes on until it has made linkDownLogins more
// logins, or for two seconds.
func failover(t *testing.T, query string, logins int, linkDown bool) failoverFigures {
	c := startReplicatedCluster(t)
	s, err := redisstore.NewFromURL(t.Context(), "redis+cluster://"+strings.Join(c.addrs, ",")+"?prefix=failover:"+query)
	if err != nil {
		t.Fatalf("NewFromURL: %v", err)
	}
	defer s.Close()
	m, err := sessiond.New(s, sessiond.Config{Auditor: nopAuditor{}, InvalidTokenLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	l := newFailoverLoad(t, m)
	stop := l.start(t, logins)
	defer stop()
	victim, replica := c.masterAndReplica(t)
	if linkDown {
		l.cutLink(t, victim.addr(), replica)
	}
	l.killed.Store(true)
	killed := time.Now()
	victim.stop()
	if err := waitFor(20*time.Second, func() error { return promoted(replica) }); err != nil {
		t.Fatalf("no promotion of %s: %v", replica, err)
	}
	fig := failoverFigures{promoted: time.Since(killed)}
	l.recover(t, &fig, victim, query != "")
	stop()
	l.check(t, &fig)
	return fig
}

// start runs the load in failoverWorkers goroutines until it has made
// logins logins, and returns the function that stops it.
func (l *failoverLoad) start(t *testing.T, logins int) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range failoverWorkers {
		wg.Go(func() { l.run(ctx) })
	}
	stop = func() { cancel(); wg.Wait() }
	err := waitFor(time.Minute, func() error {
		if n := l.logins(); n < logins {
			return fmt.Errorf("%d logins of %d", n, logins)
		}
		return nil
	})
	if err != nil {
		stop()
		t.Fatalf("load: %v", err)
	}
	return stop
}

// recover measures, from now, the promotion, how long validations and
// logins take to work again. With restart (the store waits for a
// replica, which the new master lacks), logins are measured from the
// return of the killed node victim as the new master's replica.
func (l *failoverLoad) recover(t *testing.T, fig *failoverFigures, victim *redisServer, restart bool) {
	from := time.Now()
	fig.readsBack = l.until(t, from, l.validationsWork, "validations")
	if restart {
		if err := victim.start(); err != nil {
			t.Fatalf("restarting the killed node: %v", err)
		}
		if err := waitFor(20*time.Second, func() error { return inSync(victim.addr()) }); err != nil {
			t.Fatalf("the killed node is no replica in sync: %v", err)
		}
		from = time.Now()
	}
	fig.loginsBack = l.until(t, from, l.loginWorks, "logins")
}

// cutLink closes the replication link of the master at addr, after
// making its replica's reconnection fail (it then logs in as a user the
// master does not know), and lets the load make linkDownLogins logins.
func (l *failoverLoad) cutLink(t *testing.T, addr, replica string) {
	n := l.logins()
	for _, cmd := range []string{"CONFIG SET masteruser failover-test", "CONFIG SET masterauth none"} {
		if got, err := command(replica, cmd); got != "+OK" {
			t.Fatalf("%s: got %q (%v), want +OK", cmd, got, err)
		}
	}
	if _, err := command(addr, "CLIENT KILL TYPE replica"); err != nil {
		t.Fatal(err)
	}
	// With wait, logins that write to addr are refused meanwhile, and the
	// load may make fewer: the deadline is then the end of this fault.
	waitFor(2*time.Second, func() error {
		if l.logins() < n+linkDownLogins {
			return errors.New("not enough logins yet")
		}
		return nil
	})
}

// startReplicatedCluster starts three masters with a replica each and a
// short node timeout, and waits until every replica is in sync. The
// Cluster stops when t ends.
func startReplicatedCluster(t *testing.T) *testCluster {
	dir, err := os.MkdirTemp("", "redisstore-failover-")
	if err != nil {
		t.Fatal(err)
	}
	c := &testCluster{dir: dir}
	t.Cleanup(c.stop)
	timeout := strconv.Itoa(int(failoverNodeTimeout.Milliseconds()))
	if err := c.startNodes(6, append([]string{"--cluster-node-timeout", timeout}, replicationArgs...)...); err != nil {
		t.Fatal(err)
	}
	if err := c.create("--cluster-replicas", "1"); err != nil {
		t.Fatal(err)
	}
	err = waitFor(20*time.Second, func() error {
		for _, a := range c.addrs {
			if err := inSync(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("replicas not in sync: %v", err)
	}
	return c
}

// inSync reports, as an error, whether the node at addr is a replica whose
// link to its master is up, or a master with an online replica, in a
// Cluster whose state is ok.
func inSync(addr string) error {
	info, err := command(addr, "INFO replication")
	if err != nil {
		return err
	}
	if !strings.Contains(info, "master_link_status:up") && !strings.Contains(info, "state=online") {
		return fmt.Errorf("%s: no replication link up", addr)
	}
	return clusterOK(addr)
}

// clusterOK reports, as an error, whether the node at addr says
// cluster_state:ok.
func clusterOK(addr string) error {
	info, err := command(addr, "CLUSTER INFO")
	if err == nil && !strings.Contains(info, "cluster_state:ok") {
		err = fmt.Errorf("%s: cluster_state is not ok", addr)
	}
	return err
}

// promoted reports, as an error, whether the node at addr is a master of
// a Cluster whose state is ok.
func promoted(addr string) error {
	info, err := command(addr, "INFO replication")
	if err != nil {
		return err
	}
	if !strings.Contains(info, "role:master") {
		return fmt.Errorf("%s is not a master yet", addr)
	}
	return clusterOK(addr)
}

// masterAndReplica returns a master of c and the address of its replica.
func (c *testCluster) masterAndReplica(t *testing.T) (*redisServer, string) {
	out, err := command(c.addrs[0], "CLUSTER NODES")
	if err != nil {
		t.Fatal(err)
	}
	addrOf, masterOf := map[string]string{}, map[string]string{} // id → address; replica address → master id
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		addr, _, _ := strings.Cut(f[1], "@")
		addrOf[f[0]] = addr
		if strings.Contains(f[2], "slave") {
			masterOf[addr] = f[3]
		}
	}
	for replica, id := range masterOf {
		for _, s := range c.servers {
			if s.addr() == addrOf[id] {
				return s, replica
			}
		}
	}
	t.Fatalf("no master with a replica in CLUSTER NODES:\n%s", out)
	return nil, ""
}

// failoverLoad signs users in and validates sessions on a Manager, and
// keeps what it was told.
type failoverLoad struct {
	m       *sessiond.Manager
	revoked []string // sessions revoked before the load
	initial []string // sessions signed in before the load and not revoked
	killed  atomic.Bool

	loginsRefused, validationsRefused atomic.Int64

	mu      sync.Mutex
	acked   map[string]bool // tokens of acknowledged logins: whether before the kill
	tokens  []string        // the keys of acked
	invalid map[string]int  // tokens of acknowledged logins answered invalid
	wrong   int             // revoked sessions let through
}

// newFailoverLoad signs failoverSessions users in on m and revokes one in
// six of their sessions.
func newFailoverLoad(t *testing.T, m *sessiond.Manager) *failoverLoad {
	l := &failoverLoad{m: m, acked: map[string]bool{}, invalid: map[string]int{}}
	for i := range failoverSessions {
		sess, tok, err := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "user" + strconv.Itoa(i), Methods: []string{"pwd"}})
		if err != nil {
			t.Fatalf("LoginToken: %v", err)
		}
		if i%6 != 0 {
			l.initial = append(l.initial, tok)
			l.ack(tok)
			continue
		}
		if _, err := m.RevokeID(t.Context(), sess.ID(), "test"); err != nil {
			t.Fatalf("RevokeID: %v", err)
		}
		l.revoked = append(l.revoked, tok)
	}
	return l
}

// ack records the acknowledged login of tok.
func (l *failoverLoad) ack(tok string) {
	before := !l.killed.Load() // read after the login returned: then surely before the kill
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acked[tok] = before
	l.tokens = append(l.tokens, tok)
}

// logins is how many logins the load made.
func (l *failoverLoad) logins() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.tokens) - len(l.initial)
}

// run signs in, validates acknowledged sessions and tries revoked ones
// until ctx ends.
func (l *failoverLoad) run(ctx context.Context) {
	rnd := rand.New(rand.NewPCG(rand.Uint64(), 0))
	for ctx.Err() == nil {
		switch rnd.IntN(4) {
		case 0:
			if tok, err := l.login(); err == nil {
				l.ack(tok)
			} else {
				l.loginsRefused.Add(1)
			}
		case 1:
			l.tryRevoked(l.revoked[rnd.IntN(len(l.revoked))])
		default:
			l.mu.Lock()
			tok := l.tokens[rnd.IntN(len(l.tokens))]
			l.mu.Unlock()
			l.validate(tok)
		}
	}
}

// login signs a new user in.
func (l *failoverLoad) login() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, tok, err := l.m.LoginToken(ctx, sessiond.LoginInfo{UserID: "load" + rand8(), Methods: []string{"pwd"}})
	return tok, err
}

// load validates tok.
func (l *failoverLoad) load(tok string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err := l.m.LoadWithoutRotation(ctx, tok, sessiond.Client{})
	return err
}

// validate validates the acknowledged session tok and records an invalid
// answer or a refusal.
func (l *failoverLoad) validate(tok string) {
	switch err := l.load(tok); {
	case errors.Is(err, sessiond.ErrInvalidToken):
		l.mu.Lock()
		l.invalid[tok]++
		l.mu.Unlock()
	case err != nil:
		l.validationsRefused.Add(1)
	}
}

// tryRevoked validates the revoked session tok, which must not pass.
func (l *failoverLoad) tryRevoked(tok string) {
	switch err := l.load(tok); {
	case err == nil:
		l.mu.Lock()
		l.wrong++
		l.mu.Unlock()
	case !errors.Is(err, sessiond.ErrInvalidToken):
		l.validationsRefused.Add(1)
	}
}

// validationsWork reports, as an error, whether every session signed in
// before the load is answered without a store error.
func (l *failoverLoad) validationsWork() error {
	for _, tok := range l.initial {
		if err := l.load(tok); err != nil && !errors.Is(err, sessiond.ErrInvalidToken) {
			return err
		}
	}
	return nil
}

// loginWorks reports, as an error, whether a login succeeds.
func (l *failoverLoad) loginWorks() error {
	tok, err := l.login()
	if err == nil {
		l.ack(tok)
	}
	return err
}

// until polls f until it succeeds, and fails t unless that happens within
// resumeWithin of from. It returns how long after from f succeeded.
func (l *failoverLoad) until(t *testing.T, from time.Time, f func() error, what string) time.Duration {
	err := waitFor(time.Until(from.Add(resumeWithin)), f)
	took := time.Since(from)
	if err != nil {
		t.Errorf("%s still fail %v after the Cluster was ready: %v", what, took.Round(time.Millisecond), err)
	}
	return took
}

// check validates every acknowledged session, now that the Cluster is
// back, and fills in fig: a session missing now was lost; one answered
// invalid before that is here now was answered wrong.
func (l *failoverLoad) check(t *testing.T, fig *failoverFigures) {
	fig.loginsRefused, fig.validationsRefused = l.loginsRefused.Load(), l.validationsRefused.Load()
	fig.wrong = l.wrong
	for tok, before := range l.acked {
		err := l.load(tok)
		lost := errors.Is(err, sessiond.ErrInvalidToken)
		if err != nil && !lost {
			t.Errorf("after the failover: validation failed: %v", err)
		}
		switch {
		case before:
			fig.ackedBefore++
		default:
			fig.ackedAfter++
		}
		switch {
		case lost && before:
			fig.lostBefore++
		case lost:
			fig.lostAfter++
		case l.invalid[tok] > 0:
			fig.wrong++
		}
	}
	for _, tok := range l.revoked {
		if err := l.load(tok); err == nil {
			fig.wrong++
		}
	}
	if fig.wrong != 0 {
		t.Errorf("wrong answers: %d, want 0", fig.wrong)
	}
}
