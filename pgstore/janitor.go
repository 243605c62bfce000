package pgstore

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
)

// planned makes each of the janitor's statements planned afresh, for
// its arguments and the tables as they are. Prepared once on a
// connection, PostgreSQL would keep a generic plan, and one made while a
// table was small scans the whole table however large it grows (until its
// statistics change, which without autovacuum is never). The janitor's
// statements run a few times a minute: planning each costs nothing that
// matters.
const planned = pgx.QueryExecModeExec

// OnExpire adds fn to the functions that [Store.Sweep] calls with each
// record it removes because it expired. It implements
// [sessiond.ExpiryWatcher]. When several stores share a schema, each
// removed record is reported by the one store that removed it.
func (s *Store) OnExpire(fn func(ctx context.Context, rec *sessiond.Record)) {
	s.expiry.Add(fn)
}

// Sweep removes every session expired by Config.Now and the audit events
// past retention, in statements of at most Config.SweepBatch rows, and
// reports how many sessions it removed. After each batch of sessions, it
// calls each [Store.OnExpire] function with ctx and each removed record. It
// stops at the first error, which it returns with the count so far.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	n, err := s.sweepSessions(ctx, now)
	if err != nil {
		return n, err
	}
	return n, s.sweepEvents(ctx, now)
}

// sweepSessions deletes expired sessions batch by batch until a batch
// comes back short.
func (s *Store) sweepSessions(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		n, recs, err := s.sweepBatch(ctx, now)
		total += n
		s.expiry.Notify(ctx, recs)
		if err != nil || n < s.cfg.SweepBatch {
			return total, err
		}
	}
}

// sweepBatch deletes one batch of sessions expired at now and returns how
// many it deleted and those of them that decode. A record that does not
// decode is gone all the same: it is logged, and reported to no callback.
func (s *Store) sweepBatch(ctx context.Context, now time.Time) (int, []*sessiond.Record, error) {
	bctx, cancel := s.bound(ctx)
	defer cancel()
	rows, _ := s.pool.Query(bctx, s.q.sweepSessions, planned, now, s.cfg.SweepBatch) // the error is rows.Err's
	raws, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sweptRow])
	if err != nil {
		return 0, nil, fmt.Errorf("pgstore: sweep: %w", err)
	}
	return len(raws), s.decodeSwept(ctx, raws), nil
}

// decodeSwept decodes the swept rows, logging and leaving out those that do
// not decode.
func (s *Store) decodeSwept(ctx context.Context, raws []sweptRow) []*sessiond.Record {
	recs := make([]*sessiond.Record, 0, len(raws))
	for _, r := range raws {
		var row recordRow
		if err := row.ScanBytes(r.Rec); err != nil {
			s.cfg.Logger.LogAttrs(ctx, slog.LevelError, "pgstore: swept a session that does not decode",
				slog.String("schema", s.cfg.Schema), slog.Any("error", err))
			continue
		}
		row.lastSeen, row.idle = r.LastSeen, r.Idle
		recs = append(recs, row.record())
	}
	return recs
}

// sweptRow is a row that sweepSessionsSQL returns, rec still encoded.
type sweptRow struct {
	Rec            []byte
	LastSeen, Idle time.Time
}

// sweepEvents applies the audit retention: by age, then by count.
func (s *Store) sweepEvents(ctx context.Context, now time.Time) error {
	if s.cfg.AuditRetention > 0 {
		if err := s.deleteBatches(ctx, s.q.sweepAge, now.Add(-s.cfg.AuditRetention)); err != nil {
			return err
		}
	}
	if s.cfg.AuditMaxEvents > 0 {
		return s.deleteBatches(ctx, s.q.sweepMax, s.cfg.AuditMaxEvents)
	}
	return nil
}

// deleteBatches runs the retention statement sql with arg until it deletes
// fewer than a batch.
func (s *Store) deleteBatches(ctx context.Context, sql string, arg any) error {
	for {
		bctx, cancel := s.bound(ctx)
		tag, err := s.pool.Exec(bctx, sql, planned, arg, s.cfg.SweepBatch)
		cancel()
		if err != nil {
			return fmt.Errorf("pgstore: audit retention: %w", err)
		}
		if tag.RowsAffected() < int64(s.cfg.SweepBatch) {
			return nil
		}
	}
}

// startJanitor starts the goroutine that sweeps every SweepInterval until
// Close, unless the interval is negative.
func (s *Store) startJanitor() {
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	if s.cfg.SweepInterval < 0 {
		return
	}
	s.done.Go(func() { s.sweepEvery(ctx, s.cfg.SweepInterval) })
}

// sweepEvery calls Sweep every interval until ctx is cancelled. A failed
// sweep is logged and tried again at the next tick: expired sessions are
// refused by the Manager meanwhile, so nothing fails open.
func (s *Store) sweepEvery(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.LogAttrs(ctx, slog.LevelError, "pgstore: sweep failed",
					slog.String("schema", s.cfg.Schema), slog.Any("error", err))
			}
		}
	}
}
