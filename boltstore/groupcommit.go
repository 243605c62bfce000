package boltstore

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// groupCommit commits concurrent writes together: one read-write
// transaction and one fsync for every write that is waiting when a
// commit starts. It has no timer. The first write that finds no commit
// under way leads: it lets every other goroutine that is ready to run go
// first, so that their writes join it (on one processor they could not
// otherwise arrive before the commit, which blocks the process while it
// syncs), then takes every write waiting, its own among them, and
// commits them. Writes that arrive during that commit wait, and when it
// ends one of them leads the next, at once.
//
// A function that returns an error (or panics) rolls the transaction
// back; it is taken out and run again alone, in its caller's goroutine,
// and the others are committed without it, as bbolt's DB.Batch does. So
// a function may run more than once, and must decide everything from
// what the transaction holds (see Store.write).
type groupCommit struct {
	db *bolt.DB
	// settle runs before a leader takes the waiting writes: yieldWhile
	// growing by default; tests wait for a given number.
	settle func(waiting func() int)

	mu      sync.Mutex
	waiting []*pendingWrite
	leading bool // a leader is settling or committing
}

// pendingWrite is a write waiting for a commit. done receives its
// outcome: nil or bbolt's error, errRunAlone, or errLead.
type pendingWrite struct {
	fn   func(*bolt.Tx) error
	done chan error
}

var (
	// errRunAlone tells a write that its function failed in the group:
	// it runs again in a transaction of its own.
	errRunAlone = errors.New("boltstore: run the write alone")
	// errLead tells a waiting write that it leads the next commit.
	errLead = errors.New("boltstore: lead the next commit")
)

// newGroupCommit returns the group commit of db.
func newGroupCommit(db *bolt.DB) *groupCommit {
	return &groupCommit{db: db, settle: yieldWhileGrowing}
}

// commit runs fn in a read-write transaction, with every other write
// waiting at the time, and returns once it is committed and synced.
func (g *groupCommit) commit(fn func(*bolt.Tx) error) error {
	w := &pendingWrite{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.waiting = append(g.waiting, w)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if lead {
		g.lead()
	}
	for {
		switch err := <-w.done; err {
		case errLead:
			g.lead()
		case errRunAlone:
			return g.db.Update(fn)
		default:
			return err
		}
	}
}

// lead commits the writes waiting once the ready goroutines have had
// their turn, then hands the lead to a write that arrived meanwhile, if
// any.
func (g *groupCommit) lead() {
	g.settle(g.count)
	g.mu.Lock()
	group := g.waiting
	g.waiting = nil
	g.mu.Unlock()

	g.run(group)

	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.waiting) == 0 {
		g.leading = false
		return
	}
	g.waiting[0].done <- errLead // it stays waiting, and takes itself along
}

// count is how many writes are waiting.
func (g *groupCommit) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiting)
}

// run commits group in one transaction and tells each write its outcome.
// A failing function is taken out and told to run alone; the rest run
// again without it, until a commit succeeds, bbolt fails, or none is
// left.
func (g *groupCommit) run(group []*pendingWrite) {
	for len(group) > 0 {
		failed := -1
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, w := range group {
				if err := callSafely(w.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, w := range group {
				w.done <- err
			}
			return
		}
		group[failed].done <- errRunAlone
		group = append(group[:failed], group[failed+1:]...)
	}
}

// callSafely calls fn, turning a panic into an error, so that a panicking
// function fails only itself: it panics again when it runs alone, in its
// caller's goroutine.
func callSafely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("boltstore: write panicked: %v", r)
		}
	}()
	return fn(tx)
}

// yieldWhileGrowing yields the processor until no more writes arrive
// while it does: every goroutine that was ready to run has had its turn,
// and those that write are waiting. It costs nothing but a yield when
// there is nothing else to run, and with GOMAXPROCS=1 it is what lets a
// burst of requests share one commit.
func yieldWhileGrowing(waiting func() int) {
	for n := waiting(); ; {
		runtime.Gosched()
		m := waiting()
		if m == n {
			return
		}
		n = m
	}
}
