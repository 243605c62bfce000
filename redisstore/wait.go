package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// CheckReplicas reports whether every master the store writes to has at
// least Config.WaitReplicas replicas online, as INFO replication shows
// them at this moment. A master with fewer refuses every write with
// [ErrNotReplicated] until they are back, so a service calls it at start
// to warn of a setting the deployment does not meet. It answers nil when
// WaitReplicas is 0, and otherwise an error wrapping ErrNotReplicated
// that names each master short of replicas, or the error of one it could
// not ask.
func (s *Store) CheckReplicas(ctx context.Context) error {
	if s.cfg.WaitReplicas <= 0 {
		return nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var errs []error
	for addr, c := range s.c.Nodes() {
		info, err := c.Do(ctx, c.B().Info().Section("replication").Build()).ToString()
		if err != nil {
			errs = append(errs, fmt.Errorf("redisstore: asking %s for its replicas: %w", addr, err))
			continue
		}
		if master, online := replicasOnline(info); master && online < s.cfg.WaitReplicas {
			errs = append(errs, fmt.Errorf("%w: %s has %d replicas online, wait asks for %d", ErrNotReplicated, addr, online, s.cfg.WaitReplicas))
		}
	}
	return errors.Join(errs...)
}

// replicasOnline reads INFO replication: whether the server is a master,
// and how many of its replicas are online.
func replicasOnline(info string) (master bool, online int) {
	for line := range strings.SplitSeq(info, "\n") {
		line = strings.TrimSpace(line)
		if line == "role:master" {
			master = true
		}
		// A replica's line: slave<n>:ip=…,port=…,state=online,offset=…,lag=…
		k, v, _ := strings.Cut(line, ":")
		n, isReplica := strings.CutPrefix(k, "slave")
		if isReplica && n != "" && n[0] >= '0' && n[0] <= '9' && strings.Contains(","+v+",", ",state=online,") {
			online++
		}
	}
	return master, online
}
