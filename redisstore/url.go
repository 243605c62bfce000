package redisstore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"
)

// Timeouts of the client that [NewFromURL] makes. A connection that has
// had no reply for PingInterval is pinged, and dropped, failing every call
// waiting on it, if the ping has no reply within IOTimeout: a stuck server
// fails calls within about PingInterval+IOTimeout, whatever their context.
// A refused connection fails them at once.
const (
	DialTimeout  = 2 * time.Second
	IOTimeout    = time.Second
	PingInterval = IOTimeout / 2
)

// FlushDelay is how long the client that [NewFromURL] makes lets commands
// gather before it writes them, once one write has gone out while others
// still wait for replies: under load, many requests' reads leave in one
// write, which spares a system call each on the client and on Redis.
// Calls made one at a time are never delayed. On a busy two-core server
// it raised the service's validations per second by half and lowered
// their p99 latency.
const FlushDelay = 200 * time.Microsecond

// maxRetries is how many times the client retries a read that failed on
// the network, a few milliseconds apart, before it reports the error. A
// timeout is never retried.
const maxRetries = 2

// ErrBadURL is returned by [NewFromURL] for a URL it cannot use; the
// error says why.
var ErrBadURL = errors.New("redisstore: bad Redis URL")

// NewFromURL connects to the Redis that rawURL names, checks that it
// answers, and returns a store on it, whose [Store.Close] closes the
// connection. The URL is one of
//
//	redis://[USER[:PASSWORD]@]HOST[:PORT][/DB]
//	rediss://…                                   (the same, over TLS)
//	redis+cluster://[USER[:PASSWORD]@]HOST1[:PORT1],HOST2[:PORT2],…
//	rediss+cluster://…                           (the same, over TLS)
//
// PORT defaults to 6379 and DB to 0; a Cluster has only database 0, and
// its hosts are where discovery starts (one is enough). Query parameters,
// each at most once:
//
//	prefix=P           Config.Prefix
//	wait=N             Config.WaitReplicas: every write waits until N
//	                   replicas of each master written have it (0, the
//	                   default, is off)
//	wait_timeout=D     Config.WaitTimeout, a Go duration ("100ms"); only
//	                   with wait
//
// No other is accepted.
//
// The client dials within [DialTimeout], drops a connection whose replies
// stop (see [IOTimeout]), retries a read that failed on the network at most
// twice (a timeout never), lets concurrent commands gather for at most
// [FlushDelay] before a write, and has client-side caching off. Because it
// bounds every round trip itself, the store does not add Config.Timeout
// (and the timer it costs) to its calls.
func NewFromURL(ctx context.Context, rawURL string) (*Store, error) {
	opt, cfg, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	c, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, fmt.Errorf("redisstore: connecting to %s: %w", strings.Join(opt.InitAddress, ","), err)
	}
	if err := check(ctx, c, !opt.ForceSingleClient); err != nil {
		c.Close()
		return nil, err
	}
	cfg.Client, cfg.Timeout = c, -1
	s, _ := New(cfg) // c is not nil
	s.own = true
	return s, nil
}

// check pings c and, for a Cluster URL, makes sure the server is one.
func check(ctx context.Context, c rueidis.Client, cluster bool) error {
	if cluster && c.Mode() != rueidis.ClientModeCluster {
		return fmt.Errorf("%w: a redis+cluster URL names a server that is not in Cluster mode", ErrBadURL)
	}
	if err := c.Do(ctx, c.B().Ping().Build()).Error(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}

// parseURL reads a URL of NewFromURL into client options and the store's
// Config, without its Client.
func parseURL(raw string) (rueidis.ClientOption, Config, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	tlsOn, cluster, known := schemeOf(scheme)
	if !ok || !known {
		return rueidis.ClientOption{}, Config{}, badURL("the scheme must be redis, rediss, redis+cluster or rediss+cluster")
	}
	hosts, u, err := splitURL(rest)
	if err != nil {
		return rueidis.ClientOption{}, Config{}, err
	}
	opt := clientOptions(cluster)
	if opt.InitAddress, err = addresses(hosts, cluster); err != nil {
		return opt, Config{}, err
	}
	if opt.SelectDB, err = database(u.Path, cluster); err != nil {
		return opt, Config{}, err
	}
	if u.User != nil {
		opt.Username = u.User.Username()
		opt.Password, _ = u.User.Password()
	}
	if tlsOn {
		opt.TLSConfig = tlsConfig(opt.InitAddress, cluster)
	}
	cfg, err := query(u)
	return opt, cfg, err
}

// schemeOf tells what a URL scheme asks for.
func schemeOf(scheme string) (tlsOn, cluster, known bool) {
	switch strings.ToLower(scheme) {
	case "redis":
		return false, false, true
	case "rediss":
		return true, false, true
	case "redis+cluster":
		return false, true, true
	case "rediss+cluster":
		return true, true, true
	}
	return false, false, false
}

// splitURL splits what follows "scheme://" into its host list and the rest,
// parsed: net/url does not take a list of hosts.
func splitURL(rest string) (hosts string, u *url.URL, err error) {
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo, hosts := "", authority
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	u, err = url.Parse("redis://" + userinfo + "host" + tail)
	if err != nil {
		return "", nil, badURL("cannot parse the user, path or query")
	}
	if u.Fragment != "" {
		return "", nil, badURL("a fragment (#…) is not allowed")
	}
	return hosts, u, nil
}

// addresses checks the comma-separated host list and gives each host a
// port.
func addresses(hosts string, cluster bool) ([]string, error) {
	list := strings.Split(hosts, ",")
	if !cluster && len(list) > 1 {
		return nil, badURL("a list of hosts needs redis+cluster:// or rediss+cluster://")
	}
	addrs := make([]string, len(list))
	for i, h := range list {
		a, err := address(h)
		if err != nil {
			return nil, err
		}
		addrs[i] = a
	}
	return addrs, nil
}

// address checks one HOST[:PORT] and returns it as HOST:PORT.
func address(h string) (string, error) {
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), "6379"
	}
	if !validHost(host) {
		return "", badURL(fmt.Sprintf("bad host %q", h))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", badURL(fmt.Sprintf("bad port in %q", h))
	}
	return net.JoinHostPort(host, port), nil
}

// validHost reports whether host is an IPv6 address or made of the
// characters of host names and IPv4 addresses.
func validHost(host string) bool {
	if strings.Contains(host, ":") {
		_, err := netip.ParseAddr(host)
		return err == nil
	}
	ok := func(r rune) bool {
		return r == '.' || r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return host != "" && !strings.ContainsFunc(host, func(r rune) bool { return !ok(r) })
}

// database reads the /DB path.
func database(path string, cluster bool) (int, error) {
	p := strings.TrimPrefix(path, "/")
	if p == "" {
		return 0, nil
	}
	db, err := strconv.Atoi(p)
	if err != nil || db < 0 || strconv.Itoa(db) != p {
		return 0, badURL(fmt.Sprintf("the path must be a database number, not %q", path))
	}
	if cluster && db != 0 {
		return 0, badURL("Redis Cluster has only database 0")
	}
	return db, nil
}

// query reads the query parameters into a Config: prefix, wait and
// wait_timeout, each once and not empty.
func query(u *url.URL) (Config, error) {
	var cfg Config
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return cfg, badURL("cannot parse the query")
	}
	for k, v := range q {
		if len(v) != 1 || v[0] == "" {
			return cfg, badURL(fmt.Sprintf("query parameter %q: want one non-empty value", k))
		}
		switch k {
		case "prefix":
			cfg.Prefix = v[0]
		case "wait":
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 0 {
				return cfg, badURL(fmt.Sprintf("wait=%q: want a number of replicas", v[0]))
			}
			cfg.WaitReplicas = n
		case "wait_timeout":
			d, err := time.ParseDuration(v[0])
			if err != nil || d <= 0 {
				return cfg, badURL(fmt.Sprintf("wait_timeout=%q: want a positive Go duration", v[0]))
			}
			cfg.WaitTimeout = d
		default:
			return cfg, badURL(fmt.Sprintf("unsupported query parameter %q (prefix, wait and wait_timeout are)", k))
		}
	}
	if cfg.WaitTimeout > 0 && cfg.WaitReplicas == 0 {
		return cfg, badURL("wait_timeout needs wait")
	}
	return cfg, nil
}

// clientOptions are the options NewFromURL sets on every client.
func clientOptions(cluster bool) rueidis.ClientOption {
	return rueidis.ClientOption{
		Dialer:            net.Dialer{Timeout: DialTimeout, KeepAlive: IOTimeout / 2},
		ConnWriteTimeout:  IOTimeout,
		DisableCache:      true, // a cached read could serve a revoked session
		ForceSingleClient: !cluster,
		MaxFlushDelay:     FlushDelay,
		RetryDelay: func(attempts int, _ rueidis.Completed, err error) time.Duration {
			if attempts >= maxRetries || isTimeout(err) {
				return -1 // fail, and so fail closed, promptly
			}
			return time.Duration(attempts+1) * 5 * time.Millisecond
		},
	}
}

// tlsConfig verifies the server's name: the one host of a standalone URL;
// for a Cluster, each node's own host, as it is dialled.
func tlsConfig(addrs []string, cluster bool) *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if !cluster {
		c.ServerName, _, _ = net.SplitHostPort(addrs[0])
	}
	return c
}

// badURL is an ErrBadURL that says why.
func badURL(why string) error {
	return fmt.Errorf("%w: %s", ErrBadURL, why)
}

// isTimeout reports whether err is a timeout, after which a retry would
// only wait as long again.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
