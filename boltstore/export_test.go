package boltstore

import (
	"errors"
	"runtime"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// DB returns the database of s, for tests that hold its locks.
func DB(s *Store) *bolt.DB { return s.db }

// Unbatched makes s commit every write in a transaction of its own, with
// db.Update, for benchmarks that measure what batching buys. Call it
// before any write.
func Unbatched(s *Store) { s.commit = s.db.Update }

// BboltBatch makes s commit every write with bbolt's db.Batch, which
// waits up to db.MaxBatchDelay for company, even a lone one, for
// benchmarks that compare it with the group commit. Call it before any
// write.
func BboltBatch(s *Store) { s.commit = s.db.Batch }

// OneBatch makes the next n writes to s, which the caller starts at once,
// share a single transaction, for tests that fill a store quickly or
// need a group of a known size: the leader waits until n are waiting.
// The returned function, called after those writes, undoes it.
func OneBatch(s *Store, n int) (undo func()) {
	s.group.settle = func(waiting func() int) {
		for waiting() < n {
			runtime.Gosched()
		}
	}
	return func() { s.group.settle = yieldWhileGrowing }
}

// CheckIndexes reports the first way in which the indexes of s are out of
// step with its records and events, or nil.
func CheckIndexes(s *Store) error {
	return s.db.View(func(tx *bolt.Tx) error {
		if err := withSessions(checkSessions)(tx); err != nil {
			return err
		}
		if err := checkKinds(tx.Bucket(bucketByUser)); err != nil {
			return err
		}
		return withAudit(checkAudit)(tx)
	})
}

// errInjected is the failure FailRun injects.
var errInjected = errors.New("injected failure")

// FailRun makes the n-th run of a write function, counted from 1, fail
// after it ran, so that the whole group's transaction rolls back, the
// other functions run again and this one alone. It returns the count of
// runs.
func FailRun(s *Store, n int64) *atomic.Int64 {
	var runs atomic.Int64
	commit := s.commit
	s.commit = func(fn func(*bolt.Tx) error) error {
		return commit(func(tx *bolt.Tx) error {
			err := fn(tx)
			if runs.Add(1) == n && err == nil {
				return errInjected
			}
			return err
		})
	}
	return &runs
}
