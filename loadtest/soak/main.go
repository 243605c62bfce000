package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	var o options
	stores := flag.String("stores", "redis,postgres,bolt", "the stores to soak, in turn: redis, postgres, bolt")
	src := flag.String("src", "../../cmd/sessiond", "the sessiond command's source directory, built when -sessiond is not given")
	flag.StringVar(&o.sessiond, "sessiond", "", "a sessiond binary to run instead of building one")
	flag.DurationVar(&o.duration, "duration", 3*time.Minute, "how long the load runs on each store, the faults spread over it")
	flag.DurationVar(&o.warmup, "warmup", 10*time.Second, "load before the first measurement")
	flag.DurationVar(&o.freeze, "freeze", 10*time.Second, "how long the store is frozen (SIGSTOP)")
	flag.DurationVar(&o.down, "down", 2*time.Second, "how long a killed process stays down before it is started again")
	flag.DurationVar(&o.settle, "settle", 2*time.Second, "how long the load must go unrefused after a fault to count as recovered")
	flag.IntVar(&o.workers, "workers", 16, "calls in flight")
	flag.IntVar(&o.sessions, "sessions", 1000, "live sessions the load keeps")
	flag.IntVar(&o.boltKills, "bolt-kills", 3, "how many times the bolt process is killed")
	flag.DurationVar(&o.idle, "idle-timeout", 10*time.Minute, "the replicas' --idle-timeout (touches come every hundredth of it)")
	flag.DurationVar(&o.rotateEvery, "rotate-every", time.Minute, "the replicas' --rotate-every")
	flag.DurationVar(&o.timeout, "timeout", 15*time.Second, "timeout of each call")
	flag.BoolVar(&o.redisAOF, "redis-aof", true, "run Redis with an append-only file synced on every write; without, a restart empties it")
	flag.StringVar(&o.dir, "dir", os.TempDir(), "where the temporary files go")
	flag.Parse()
	os.Exit(soak(o, *stores, *src))
}

// soak runs the soak of each store in stores (comma-separated) with o,
// building sessiond from src unless o.sessiond is set, prints the
// figures, and returns the exit status: 1 if a run failed, gave a wrong
// answer, or lost an acknowledged session or write (except on Redis
// without persistence, where a restart loses everything).
func soak(o options, stores, src string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.sessiond == "" {
		dir, err := os.MkdirTemp(o.dir, "soak-build-")
		if err != nil {
			fmt.Fprintf(os.Stderr, "soak: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		if o.sessiond, err = buildSessiond(src, dir); err != nil {
			fmt.Fprintf(os.Stderr, "soak: %v\n", err)
			return 1
		}
	}
	status := 0
	for _, store := range strings.Split(stores, ",") {
		rep, err := runStore(ctx, o, store)
		if rep != nil {
			rep.print(os.Stdout)
			if wrong, lost := rep.failures(); wrong > 0 || lost > 0 && (store != "redis" || o.redisAOF) {
				status = 1
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "soak: %s: %v\n", store, err)
			status = 1
		}
		if ctx.Err() != nil {
			break
		}
	}
	return status
}
