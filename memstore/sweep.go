package memstore

import (
	"context"
	"time"

	"github.com/sessiond/sessiond"
)

// OnExpire adds fn to the functions that [Store.Sweep] calls with each
// record it removes because it expired. It implements
// [sessiond.ExpiryWatcher].
func (s *Store) OnExpire(fn func(ctx context.Context, rec *sessiond.Record)) {
	s.expiry.Add(fn)
}

// Sweep removes every record whose [sessiond.Record.ExpiresAt] is not after
// the store's clock, and reports how many it removed. Then, holding no lock,
// it calls each [Store.OnExpire] function with ctx and its own copy of each
// removed record.
func (s *Store) Sweep(ctx context.Context) int {
	now := s.now()
	removed := s.removeExpired(now, s.expiredIDs(now))
	s.expiry.Notify(ctx, removed)
	return len(removed)
}

// expiredIDs returns the ids of the records expired at now. It holds only
// the read lock, so that requests go on while it scans.
func (s *Store) expiredIDs(now time.Time) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []string
	for id, rec := range s.byID {
		if !now.Before(rec.ExpiresAt()) {
			ids = append(ids, id)
		}
	}
	return ids
}

// removeExpired removes those of ids that are still there and still
// expired at now (a Touch or an Update may have saved one since the scan),
// and returns them.
func (s *Store) removeExpired(now time.Time, ids []string) []*sessiond.Record {
	if len(ids) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	removed := make([]*sessiond.Record, 0, len(ids))
	for _, id := range ids {
		rec, ok := s.byID[id]
		if ok && !now.Before(rec.ExpiresAt()) {
			s.remove(rec)
			removed = append(removed, rec)
		}
	}
	return removed
}

// sweepEvery calls Sweep every interval until ctx is cancelled.
func (s *Store) sweepEvery(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.Sweep(ctx)
		}
	}
}
