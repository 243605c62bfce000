package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	_ "net/http/pprof" // served only with -pprof
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// options are the command-line flags.
type options struct {
	store, mode, addr, tokens string
	certFile, keyFile         string
	typed                     bool
	sessions                  int
	redisURL, postgresURL     string
	dir                       string
	pprof                     string
	scale                     scaleOptions
}

// scaleOptions are the flags of scale mode.
type scaleOptions struct {
	// tag goes into the names of the stores, after "loadtest_scale_".
	tag                            string
	small, sample                  int
	userSessions, userRounds       int
	rounds, conns, baselineWindows int
	secs, expireOver, sweepEvery   time.Duration
	expiring                       float64
}

func main() {
	var o options
	flag.StringVar(&o.store, "store", "memory", "memory, bolt, redis or postgres")
	flag.StringVar(&o.mode, "mode", "session", "session, write, plain, upsert, floor, login, logindata, scs, plaintls, scale or footprint")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8081", "listen address")
	flag.StringVar(&o.tokens, "tokens", "tokens.txt", "file the session tokens are written to (session, write and floor modes)")
	flag.IntVar(&o.sessions, "sessions", 1000, "sessions (or plain values) to create")
	flag.StringVar(&o.redisURL, "redis", "redis://127.0.0.1:6379/0", "Redis URL")
	flag.StringVar(&o.postgresURL, "postgres", "postgres://postgres@127.0.0.1:5432/test", "PostgreSQL URL")
	flag.StringVar(&o.dir, "dir", os.TempDir(), "directory for the bbolt files")
	flag.StringVar(&o.certFile, "cert", "", "TLS certificate file (plaintls mode)")
	flag.StringVar(&o.keyFile, "key", "", "TLS key file (plaintls mode)")
	flag.StringVar(&o.pprof, "pprof", "", "address to serve net/http/pprof on, to profile the server under load")
	flag.IntVar(&o.scale.small, "small", 10_000, "sessions of the small store (scale mode)")
	flag.IntVar(&o.scale.sample, "sample", 10_000, "sessions whose tokens the reads present, chosen at random (scale mode)")
	flag.IntVar(&o.scale.userSessions, "user-sessions", 10, "sessions of the user listed and revoked (scale mode)")
	flag.IntVar(&o.scale.userRounds, "user-rounds", 50, "times a user's sessions are listed and revoked (scale mode)")
	flag.IntVar(&o.scale.rounds, "rounds", 6, "rounds of reads on each store (scale mode)")
	flag.IntVar(&o.scale.conns, "conns", 16, "requests in flight (scale mode)")
	flag.IntVar(&o.scale.baselineWindows, "baseline", 4, "windows of reads before the first deadline (scale mode)")
	flag.DurationVar(&o.scale.secs, "secs", 5*time.Second, "length of a round or window of reads (scale mode)")
	flag.DurationVar(&o.scale.expireOver, "expire-over", time.Minute, "time over which the expiring sessions fall due (scale mode)")
	flag.DurationVar(&o.scale.sweepEvery, "sweep", time.Minute, "the sweep interval of bolt and PostgreSQL (scale mode)")
	flag.Float64Var(&o.scale.expiring, "expiring", 0.1, "share of the large store's size added in sessions that expire (scale mode)")
	flag.BoolVar(&o.typed, "typed", false, "handlers set Content-Type, as most real handlers do")
	flag.Parse()
	log.SetFlags(0)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch o.mode {
	case "scale":
		if _, err := runScale(ctx, o, os.Stdout); err != nil {
			log.Fatalf("loadtest: %v", err)
		}
		return
	case "footprint":
		if _, err := runFootprint(ctx, o, os.Stdout); err != nil {
			log.Fatalf("loadtest: %v", err)
		}
		return
	}
	h, cleanup, err := handler(ctx, o)
	if err != nil {
		log.Fatalf("loadtest: %v", err)
	}
	defer cleanup()
	if o.pprof != "" {
		go func() { log.Print(http.ListenAndServe(o.pprof, nil)) }()
	}
	srv := &http.Server{Addr: o.addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	fmt.Printf("loadtest: %s %s on %s\n", o.mode, o.store, o.addr)
	if o.mode == "plaintls" {
		err = serveTLS(srv, o.certFile, o.keyFile)
	} else {
		err = srv.ListenAndServe()
	}
	if err != nil && err != http.ErrServerClosed {
		log.Fatalf("loadtest: %v", err)
	}
}

// handler returns the handler of o's mode on o's store, and what closes
// the store.
func handler(ctx context.Context, o options) (http.Handler, func(), error) {
	switch o.mode {
	case "session", "write":
		return sessionHandler(ctx, o)
	case "plain", "upsert":
		return plainHandler(ctx, o)
	case "floor":
		return floorHandler(ctx, o)
	case "login", "logindata":
		return loginHandler(ctx, o)
	case "scs":
		return scsHandler(ctx, o)
	case "plaintls":
		return http.HandlerFunc(validateLike), func() {}, nil
	}
	return nil, nil, fmt.Errorf("unknown -mode %q", o.mode)
}

// answer returns the work of every handler once the store has answered:
// "ok", with a Content-Type header when typed, as most real handlers set
// one (and so pay for net/http's copy of the header map, which the
// middleware's headers cost too).
func answer(typed bool) func(http.ResponseWriter) {
	if !typed {
		return func(w http.ResponseWriter) { io.WriteString(w, "ok") }
	}
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	}
}

// storeKind returns o.store checked.
func storeKind(o options) (string, error) {
	switch s := strings.ToLower(o.store); s {
	case "memory", "bolt", "redis", "postgres":
		return s, nil
	}
	return "", fmt.Errorf("unknown -store %q", o.store)
}
