package boltstore

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// pruneChunk bounds the events one pruning transaction removes.
const pruneChunk = 1000

// pruneEvents removes the events older than Config.AuditRetention at now
// and, oldest first, those beyond Config.AuditMaxEvents, in transactions
// of at most pruneChunk events.
func (s *Store) pruneEvents(ctx context.Context, now time.Time) error {
	cutoff := eventKey(now.Add(-s.cfg.AuditRetention), 0)[:8]
	for {
		var n int
		err := s.db.Update(withAudit(func(a audit) (err error) {
			n, err = a.prune(cutoff, s.cfg.AuditMaxEvents, pruneChunk)
			return err
		}))
		if err != nil {
			return fmt.Errorf("boltstore: prune audit events: %w", err)
		}
		if n < pruneChunk || ctx.Err() != nil {
			return nil
		}
	}
}

// prune removes up to n of the oldest events that are either older than
// cutoff (the first 8 bytes of an event key) or beyond the newest maxKept,
// and reports how many it removed.
func (a audit) prune(cutoff []byte, maxKept, n int) (int, error) {
	excess := a.count() - maxKept
	var keys [][]byte
	c := a.events.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < n; k, _ = c.Next() {
		if len(keys) >= excess && bytes.Compare(k[:8], cutoff) >= 0 {
			break
		}
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := a.remove(k); err != nil {
			return 0, err
		}
	}
	return len(keys), a.addCount(-len(keys))
}
