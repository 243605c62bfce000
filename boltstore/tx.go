package boltstore

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// read runs fn in a read-only transaction (bbolt's View). Reads never take
// bbolt's writer lock: they see the last committed state and go on while a
// write transaction is open or committing. (bbolt only makes them wait
// while it grows its memory map, when the file outgrows it.)
func (s *Store) read(op string, fn func(tx *bolt.Tx) error) error {
	if err := s.db.View(fn); err != nil {
		return fmt.Errorf("boltstore: %s: %w", op, err)
	}
	return nil
}

// write runs fn in a write transaction, committed and synced to disk
// before write returns. Writes that arrive together share one transaction
// and one fsync (see groupCommit); a write that arrives alone is committed
// at once, with no delay.
//
// The group may run fn more than once: when another function of the group
// fails, the transaction is rolled back and run again without it, and the
// failed one alone. So fn must be idempotent: it must decide everything
// from what the transaction holds and set, not accumulate, what it
// reports to its caller. And it must return an error only when bbolt
// failed: an outcome such as a version conflict is reported through a
// variable the caller reads after write returns, so that one conflict
// does not roll back and rerun the writes committed with it.
func (s *Store) write(op string, fn func(tx *bolt.Tx) error) error {
	if err := s.commit(fn); err != nil {
		return fmt.Errorf("boltstore: %s: %w", op, err)
	}
	return nil
}

// withSessions adapts fn to a transaction, opening the named session
// buckets for it (all of them when none is named).
func withSessions(fn func(s sessions) error, names ...[]byte) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		s, err := sessionsOf(tx, names...)
		if err != nil {
			return err
		}
		return fn(s)
	}
}
