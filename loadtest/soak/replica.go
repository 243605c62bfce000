package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildSessiond builds the sessiond command from its source directory src
// into dir and returns the binary's path.
func buildSessiond(src, dir string) (string, error) {
	bin := filepath.Join(dir, "sessiond")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build in %s: %w\n%s", src, err, out)
	}
	return bin, nil
}

// replica is one `sessiond serve` process, on a port it keeps across
// restarts.
type replica struct {
	name string
	base string // http://127.0.0.1:PORT
	key  string // the API key
	proc *process
}

// replicaConfig is what the replicas of one run share.
type replicaConfig struct {
	bin      string
	store    string // --store
	key      string // SESSIOND_API_KEY
	dataKeys string // --data-key-file: replicas that share a store share their data keys
	// flags are more command-line flags: the timeouts.
	flags []string
}

// newDataKeys writes a data key file of one random key into dir.
func newDataKeys(dir string) (string, error) {
	file := filepath.Join(dir, "data-keys")
	secret := make([]byte, 32)
	rand.Read(secret)
	return file, os.WriteFile(file, []byte("1:"+base64.StdEncoding.EncodeToString(secret)+"\n"), 0o600)
}

// startReplica starts sessiond serve on cfg in a data directory of its own
// under parent, over plain HTTP on the loopback, and waits until it
// answers. It starts it twice: the first start makes the admin UI's first
// operator, whose argon2id password hash leaves 64 MiB of garbage on the
// heap until the next collection, which under a light load may be minutes
// away and would swamp the memory figures.
func startReplica(name, parent string, cfg replicaConfig) (*replica, error) {
	port, err := restartablePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(parent, "sessiond-"+name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := append([]string{"serve", "--insecure-http", "--addr", addr, "--store", cfg.store,
		"--data-dir", dir, "--data-key-file", cfg.dataKeys, "--log-level", "warn"}, cfg.flags...)
	r := &replica{name: name, base: "http://" + addr, key: cfg.key, proc: &process{
		name: "sessiond " + name, path: cfg.bin, args: args, dir: dir, log: filepath.Join(dir, "log"),
		env: append(withoutSessiondVars(os.Environ()), "SESSIOND_API_KEY="+cfg.key), deathSig: syscall.SIGKILL,
	}}
	if err := r.start(); err != nil {
		return r, err
	}
	if err := r.stop(); err != nil {
		return r, err
	}
	return r, r.start()
}

// withoutSessiondVars is environ without SESSIOND_ variables, which would
// change the replicas' configuration.
func withoutSessiondVars(environ []string) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "SESSIOND_") {
			out = append(out, kv)
		}
	}
	return out
}

// start starts the process and waits until /healthz answers.
func (r *replica) start() error {
	if err := r.proc.start(); err != nil {
		return err
	}
	return r.proc.waitUntil(func() error {
		res, err := http.Get(r.base + "/healthz")
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("/healthz: %s", res.Status)
		}
		return nil
	})
}

// crash kills the process with SIGKILL.
func (r *replica) crash() error { return r.proc.stop(syscall.SIGKILL) }

// stop ends the process with SIGTERM, as an operator would.
func (r *replica) stop() error { return r.proc.stop(syscall.SIGTERM) }

// usage is what a replica's /metrics says of its process.
type usage struct {
	rss, heap  float64 // bytes: resident memory, Go heap in use
	goroutines float64
	touches    float64 // store calls that moved an idle deadline, since the process started
}

// String formats u as "RSS/heap MB, goroutines".
func (u usage) String() string {
	return fmt.Sprintf("%.0f/%.0f MB, %.0f", u.rss/1e6, u.heap/1e6, u.goroutines)
}

// usage reads the replica's memory and goroutines from /metrics.
func (r *replica) usage(ctx context.Context, c *http.Client) (usage, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+r.key)
	res, err := c.Do(req)
	if err != nil {
		return usage{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return usage{}, fmt.Errorf("%s /metrics: %s", r.name, res.Status)
	}
	var u usage
	series := map[string]*float64{
		"process_resident_memory_bytes":                     &u.rss,
		"go_memstats_heap_inuse_bytes":                      &u.heap,
		"go_goroutines":                                     &u.goroutines,
		`sessiond_store_duration_seconds_count{op="touch"}`: &u.touches,
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if p := series[name]; ok && p != nil {
			*p, _ = strconv.ParseFloat(value, 64)
		}
	}
	return u, sc.Err()
}

// settledUsage reads the replica's usage until two readings 200 ms apart
// have the same goroutines (the connections just closed have been let
// go), at most for 3 seconds.
func (r *replica) settledUsage(ctx context.Context, c *http.Client) (usage, error) {
	prev, err := r.usage(ctx, c)
	for deadline := time.Now().Add(3 * time.Second); err == nil && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond) // polls another process, with a bound
		var u usage
		if u, err = r.usage(ctx, c); err == nil && u.goroutines == prev.goroutines {
			return u, nil
		}
		prev = u
	}
	return prev, err
}
