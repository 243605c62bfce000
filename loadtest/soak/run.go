package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// options are what a soak run is given: the command-line flags.
type options struct {
	// duration is how long the load runs on each store, the faults spread
	// over it; warmup how long it runs before.
	duration, warmup time.Duration
	// freeze is how long the store is frozen; down how long a killed
	// process stays down before it is started again.
	freeze, down time.Duration
	// settle is how long the load must go without a refusal after a fault
	// ends for the service to count as recovered.
	settle            time.Duration
	workers, sessions int
	// boltKills is how many times the bolt process is killed.
	boltKills int
	// idle and rotateEvery are the replicas' --idle-timeout and
	// --rotate-every.
	idle, rotateEvery time.Duration
	// timeout bounds each call of the load.
	timeout time.Duration
	// redisAOF runs Redis with an append-only file synced on every write.
	redisAOF bool
	// sessiond is the sessiond binary.
	sessiond string
	// dir is where each run makes its temporary directory.
	dir string
}

// fault is one fault the soak makes.
type fault struct {
	name string
	// inject makes the fault; lift ends it, hold after.
	inject, lift func() error
	hold         time.Duration
}

// faultsOf returns the faults of a run on store: on bolt, kill -9 of the
// one process during a write, o.boltKills times; on a network store,
// kill -9 of replica A during a write, a crash and restart of the store,
// and a freeze of the store.
func faultsOf(store string, srv *storeServer, reps []*replica, o options) []fault {
	a := reps[0]
	if store == "bolt" {
		var kills []fault
		for i := range o.boltKills {
			kills = append(kills, fault{name: fmt.Sprintf("kill -9 mid-write (%d of %d)", i+1, o.boltKills), inject: a.crash, lift: a.start, hold: o.down})
		}
		return kills
	}
	crash := "kill -9"
	if store == "postgres" {
		crash = "immediate shutdown"
	}
	return []fault{
		{name: "replica A kill -9 mid-write", inject: a.crash, lift: a.start, hold: o.down},
		{name: "store restart (" + crash + ")", inject: srv.kill, lift: srv.start, hold: o.down},
		{name: fmt.Sprintf("store frozen %v (SIGSTOP)", o.freeze), inject: srv.proc.freeze,
			lift: func() error { srv.proc.thaw(); return nil }, hold: o.freeze},
	}
}

// run is one store's soak in progress.
type run struct {
	o    options
	load *load
	rep  *storeReport
}

// runStore soaks the store ("redis", "postgres" or "bolt"): it starts a
// store server of its own (none for bolt), two replicas on it (one on
// bolt), runs the mixed load on them for o.duration while it makes each
// fault in turn, and reports the figures. A fault the soak could not make
// is an error, as is a replica that does not stop cleanly at the end.
func runStore(ctx context.Context, o options, store string) (rep *storeReport, err error) {
	dir, err := os.MkdirTemp(o.dir, "soak-"+store+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	srv, url, err := startStore(store, dir, o.redisAOF)
	if err != nil {
		return nil, err
	}
	if srv != nil {
		defer func() { err = errors.Join(err, srv.close()) }()
	}
	reps, err := startReplicas(store, dir, url, o)
	defer func() {
		for _, r := range reps {
			err = errors.Join(err, r.stop())
		}
	}()
	if err != nil {
		return nil, err
	}
	rn := &run{o: o, rep: &storeReport{store: storeLabel(store, o.redisAOF), replicas: len(reps)}}
	rn.load = &load{api: newAPIClient(reps[0].key, 2*o.workers, o.timeout), replicas: reps,
		sessions: o.sessions, users: max(1, o.sessions/4), idle: o.idle, rotateEvery: o.rotateEvery, prefix: "soak-"}
	rn.load.window.Store(newTally("steady load"))
	loadCtx, stopLoad := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { rn.load.run(loadCtx, o.workers); close(done) }()
	defer func() { stopLoad(); <-done }()
	return rn.rep, rn.soak(ctx, faultsOf(store, srv, reps, o))
}

// startStore starts the store server of store, if it has one, and
// returns it with the replicas' --store URL.
func startStore(store, dir string, aof bool) (*storeServer, string, error) {
	var srv *storeServer
	var err error
	switch store {
	case "bolt":
		return nil, "bolt://" + filepath.Join(dir, "sessions.db"), nil
	case "redis":
		srv, err = startRedis(dir, aof)
	case "postgres":
		srv, err = startPostgres()
	default:
		return nil, "", fmt.Errorf("unknown store %q: want redis, postgres or bolt", store)
	}
	if err != nil {
		return nil, "", err
	}
	return srv, srv.url, nil
}

// startReplicas starts the replicas of a run on url: two, A and B, on a
// network store, and A alone on bolt, whose file one process holds.
func startReplicas(store, dir, url string, o options) ([]*replica, error) {
	keys, err := newDataKeys(dir)
	if err != nil {
		return nil, err
	}
	cfg := replicaConfig{bin: o.sessiond, store: url, key: "soak-" + rand.Text(), dataKeys: keys,
		flags: []string{"--idle-timeout", o.idle.String(), "--rotate-every", o.rotateEvery.String()}}
	names := []string{"A", "B"}
	if store == "bolt" {
		names = names[:1]
	}
	var reps []*replica
	for _, name := range names {
		r, err := startReplica(name, dir, cfg)
		if r != nil {
			reps = append(reps, r) // to be stopped, even if it did not start
		}
		if err != nil {
			return reps, err
		}
	}
	return reps, nil
}

// storeLabel names store in the report.
func storeLabel(store string, aof bool) string {
	switch {
	case store == "redis" && aof:
		return "Redis (appendonly, appendfsync always)"
	case store == "redis":
		return "Redis (no persistence)"
	case store == "postgres":
		return "PostgreSQL (fsync on)"
	}
	return "bolt"
}

// soak runs the warmup, then each fault in its slot of o.duration, then
// a last audit once the load stops.
func (rn *run) soak(ctx context.Context, faults []fault) error {
	o, begin := rn.o, time.Now()
	if err := sleepCtx(ctx, o.warmup); err != nil {
		return err
	}
	rn.rep.start = rn.checkpoint(ctx)
	rn.rep.windows = append(rn.rep.windows, &window{tally: rn.load.window.Load()})
	slot := o.duration / time.Duration(len(faults))
	for i, f := range faults {
		start := begin.Add(o.warmup + time.Duration(i)*slot)
		if err := sleepCtx(ctx, time.Until(start.Add(slot/3))); err != nil {
			return err
		}
		w, err := rn.fault(ctx, f)
		rn.rep.windows = append(rn.rep.windows, w)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if err := sleepCtx(ctx, time.Until(start.Add(slot))); err != nil {
			return err
		}
	}
	rn.rep.end = rn.checkpoint(ctx)
	rn.rep.took = time.Since(begin)
	for i := range numOps {
		rn.rep.ops[i] = rn.load.ops[i].Load()
	}
	return ctx.Err()
}

// fault makes f under the load and measures it: the replicas' usage and
// an audit just before and once the service has recovered, and what the
// load saw from the injection on.
func (rn *run) fault(ctx context.Context, f fault) (*window, error) {
	w := &window{tally: newTally(f.name)}
	w.before = rn.checkpoint(ctx) // audited in the window before
	rn.load.window.Store(w.tally)
	rn.waitWriting(ctx)
	w.injected = time.Now()
	if err := f.inject(); err != nil {
		return w, err
	}
	if err := sleepCtx(ctx, f.hold); err != nil {
		return w, err
	}
	liftAt := time.Now()
	if err := f.lift(); err != nil {
		return w, err
	}
	w.lifted = time.Now()
	w.liftTook = w.lifted.Sub(liftAt)
	w.recovered = rn.waitRecovered(ctx, w)
	w.after = rn.checkpoint(ctx)
	return w, ctx.Err()
}

// waitWriting waits, for up to 5 seconds, until a call that writes to the
// store is in flight, so that a kill lands in the middle of one.
func (rn *run) waitWriting(ctx context.Context) {
	for deadline := time.Now().Add(5 * time.Second); rn.load.writing.Load() == 0 && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(time.Millisecond) // polls the load's counter, with a bound
	}
}

// waitRecovered waits until the load has gone o.settle without a refusal
// since w's fault was lifted, at most serverWait, and returns how long
// after the lift the last refusal came (0 if none did), or -1 if the
// service did not recover.
func (rn *run) waitRecovered(ctx context.Context, w *window) time.Duration {
	for ctx.Err() == nil {
		last := time.Unix(0, w.lastRefusal.Load())
		quiet := w.lifted
		if last.After(quiet) {
			quiet = last
		}
		if time.Since(quiet) >= rn.o.settle {
			return quiet.Sub(w.lifted)
		}
		if time.Since(w.lifted) > serverWait {
			return -1
		}
		time.Sleep(10 * time.Millisecond) // polls the load's tally, with a bound
	}
	return -1
}

// checkpoint pauses the load, audits every session it knows, and reads
// each replica's memory and goroutines once its idle connections are
// closed; then it lets the load go on.
func (rn *run) checkpoint(ctx context.Context) []usage {
	l := rn.load
	l.pause()
	defer l.resume()
	l.audit(ctx)
	l.api.http.CloseIdleConnections()
	var out []usage
	for _, r := range l.replicas {
		u, err := r.settledUsage(ctx, l.api.http)
		if err != nil {
			l.window.Load().note("usage of %s: %v", r.name, err)
		}
		out = append(out, u)
	}
	return out
}

// sleepCtx waits d, or until ctx ends and returns its error.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
