package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/rueidis"
)

// ErrNotReplicated is returned, wrapped, by a write when Config.WaitReplicas
// is set and fewer replicas than that of a master it wrote to acknowledged
// it within Config.WaitTimeout, or the master could not say (a node that
// is no longer a master refuses WAIT). The write may be on the master, but
// a failover could lose it, so it is not acknowledged: the Manager fails
// closed.
var ErrNotReplicated = errors.New("redisstore: write not acknowledged by enough replicas")

// write runs calls, which write, as run does, and returns their results
// and the first error: of a call or, with Config.WaitReplicas set, of the
// WAITs that follow them.
//
// WAIT counts the replicas that have every write made so far on its own
// connection, and rueidis shares connections among goroutines, so each
// pipeline is sent with a WAIT after its writes, in the same DoMulti: the
// client sends a pipeline to each master on one connection, in order, and
// since WAIT is a blocking command, on a connection of its pool of
// blocking connections that no other goroutine uses meanwhile. In a
// Cluster a WAIT goes with each slot written (a master given several
// answers the later ones at once), so that every master written is asked.
func (s *Store) write(ctx context.Context, calls ...call) ([]rueidis.RedisResult, error) {
	wait := s.cfg.WaitReplicas > 0
	if wait {
		// The client sets no I/O deadline on a blocking command: the
		// context alone bounds the WAIT if the server stops answering.
		var cancel context.CancelFunc
		ctx, cancel = boundBy(ctx, s.cfg.WaitTimeout+IOTimeout)
		defer cancel()
	}
	res, err := s.exec(ctx, calls, wait)
	if e := firstErr(res); e != nil {
		return res, e
	}
	return res, err
}

// send sends cmds, the commands of calls, in one DoMulti and returns their
// results; with wait, followed by the WAITs of calls, whose error it
// returns.
func (s *Store) send(ctx context.Context, calls []call, cmds rueidis.Commands, wait bool) ([]rueidis.RedisResult, error) {
	if !wait {
		return s.c.DoMulti(ctx, cmds...), nil
	}
	n := len(cmds)
	res := s.c.DoMulti(ctx, append(slices.Clip(cmds), s.waits(calls, cmds)...)...)
	return res[:n], s.replicated(res[n:])
}

// waits are the WAITs that follow cmds, the commands of calls: one for a
// standalone server, one per slot of their keys in a Cluster.
func (s *Store) waits(calls []call, cmds rueidis.Commands) rueidis.Commands {
	ms := (s.cfg.WaitTimeout + time.Millisecond - 1) / time.Millisecond
	wait := func() rueidis.Completed {
		return s.c.B().Wait().Numreplicas(int64(s.cfg.WaitReplicas)).Timeout(int64(ms)).Build()
	}
	if !s.cluster {
		return rueidis.Commands{wait()}
	}
	var out rueidis.Commands
	seen := make(map[uint16]bool, len(cmds))
	for i := range cmds {
		if slot := cmds[i].Slot(); !seen[slot] {
			seen[slot] = true
			out = append(out, wait().SetSlot(calls[i].key))
		}
	}
	return out
}

// replicated checks the answers of WAITs: each must count
// Config.WaitReplicas replicas.
func (s *Store) replicated(res []rueidis.RedisResult) error {
	for _, r := range res {
		n, err := r.AsInt64()
		if err != nil {
			return fmt.Errorf("%w: WAIT: %w", ErrNotReplicated, err)
		}
		if n < int64(s.cfg.WaitReplicas) {
			return fmt.Errorf("%w: %d of %d replicas within %v", ErrNotReplicated, n, s.cfg.WaitReplicas, s.cfg.WaitTimeout)
		}
	}
	return nil
}
