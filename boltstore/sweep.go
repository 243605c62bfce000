package boltstore

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// sweepChunk bounds the records one sweep transaction removes, so that a
// sweep holds the writer lock in short turns, between which the writes
// waiting for it (touches, sign-ins) commit. A removal rewrites pages of
// its own in each bucket keyed at random (records, tokens, by_user), so a
// turn's commit grows with the chunk: at a million sessions a chunk of
// 1000 wrote about 3,900 pages and held writes up for 110 ms, one of 100
// writes 630 pages in 17 ms, for a sweep that takes 1.7 times as long.
const sweepChunk = 100

// OnExpire adds fn to the functions that [Store.Sweep] calls with each
// record it removes because it expired. It implements
// [sessiond.ExpiryWatcher].
func (s *Store) OnExpire(fn func(ctx context.Context, rec *sessiond.Record)) {
	s.expiry.Add(fn)
}

// Sweep removes every record whose [sessiond.Record.ExpiresAt] is not after
// the store's clock, and reports how many it removed. It reads the expiry
// index from its oldest entry up to now, never the whole store, and
// removes in transactions of at most 100 records; after each commit it
// calls each [Store.OnExpire] function with ctx and each removed record,
// holding no lock. Then it removes audit events past retention (see the
// package documentation).
func (s *Store) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	total := 0
	for {
		removed, more, err := s.sweepChunk(now)
		total += len(removed)
		s.expiry.Notify(ctx, removed)
		if err != nil {
			return total, fmt.Errorf("boltstore: sweep: %w", err)
		}
		if !more || ctx.Err() != nil {
			break
		}
	}
	return total, s.pruneEvents(ctx, now)
}

// sweepChunk removes up to sweepChunk records expired at now, returns
// them, and reports whether there may be more.
func (s *Store) sweepChunk(now time.Time) (removed []*sessiond.Record, more bool, err error) {
	err = s.db.Update(withSessions(func(b sessions) error {
		keys := expiredKeys(b.expiry, now, sweepChunk)
		more = len(keys) == sweepChunk
		for _, k := range keys {
			rec, err := b.sweep(k, now)
			if err != nil {
				return err
			}
			if rec != nil {
				removed = append(removed, rec)
			}
		}
		return nil
	}))
	if err != nil {
		return nil, false, err
	}
	return removed, more, nil
}

// expiredKeys returns copies of the first keys of the expiry index, at
// most n, whose time is not after now.
func expiredKeys(expiry *bolt.Bucket, now time.Time, n int) [][]byte {
	var limit [8]byte
	putOrdered(limit[:], now.UnixMicro()+1) // the keys expired at now sort before it
	return firstKeys(expiry, n, limit[:])
}

// sweep removes the record of the expiry entry k if it has expired at now,
// and returns it. An entry that leads nowhere, or to a record that cannot
// be decoded, is removed with that record: one bad value must not stop
// every sweep after it.
func (s sessions) sweep(k []byte, now time.Time) (*sessiond.Record, error) {
	id := k[8:]
	rec, err := s.get(id)
	if err != nil || rec == nil {
		if err := s.records.Delete(id); err != nil {
			return nil, err
		}
		return nil, s.expiry.Delete(k)
	}
	if now.Before(rec.ExpiresAt()) { // cannot happen while the index is in step
		return nil, s.moveExpiry(id, time.UnixMicro(ordered(k)), rec.ExpiresAt())
	}
	return rec, s.remove(rec)
}

// sweepEvery calls Sweep every interval until ctx is cancelled, logging
// the failures.
func (s *Store) sweepEvery(ctx context.Context) {
	tick := time.NewTicker(s.cfg.SweepInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := s.Sweep(ctx); err != nil {
				s.log("boltstore: background sweep failed", err)
			}
		}
	}
}
