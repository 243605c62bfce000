package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestForwardAuth_NginxThroughput measures, through nginx configured
// with docs/forward-auth/nginx.conf, the requests per second and the p99
// latency of a page behind forward-auth (/docs/page, with a session)
// beside the same app's page without it (/public/page), in alternating
// rounds of the same length and concurrency, and logs their ratios. It
// runs only with SESSIOND_PROXY_BENCH set: its figures depend on the
// machine, and the docs give them.
func TestForwardAuth_NginxThroughput(t *testing.T) {
	if os.Getenv("SESSIOND_PROXY_BENCH") == "" {
		t.Skip("measures throughput through nginx: set SESSIOND_PROXY_BENCH=1 to run it")
	}
	p := startNginx(t)
	b := p.browser(t)
	if r := b.submit("/signup", "/signup", url.Values{"username": {"alice"}, "password": {"correct horse battery"}}); r.status != http.StatusSeeOther {
		t.Fatalf("sign-up: got %d", r.status)
	}
	b.client.Transport.(*http.Transport).MaxIdleConnsPerHost = benchWorkers
	const rounds = 3
	var open, prot pageRun
	for range rounds {
		open.add(load(t, b, p.pgid, "/public/page"))
		prot.add(load(t, b, p.pgid, "/docs/page"))
	}
	t.Logf("unprotected: %s", &open)
	t.Logf("forward-auth: %s", &prot)
	t.Logf("ratio: requests/s %.2f, p99 %.2f", prot.rps()/open.rps(), float64(open.p99())/float64(prot.p99()))
}

// pageRun is what the rounds of one page measured.
type pageRun struct {
	latencies []time.Duration
	took      time.Duration
	cpu       cpuTime // spent while they ran
}

func (r *pageRun) add(d []time.Duration, took time.Duration, cpu cpuTime) {
	r.latencies, r.took = append(r.latencies, d...), r.took+took
	r.cpu.self, r.cpu.proxy = r.cpu.self+cpu.self, r.cpu.proxy+cpu.proxy
}

func (r *pageRun) rps() float64 { return float64(len(r.latencies)) / r.took.Seconds() }

func (r *pageRun) p99() time.Duration {
	slices.Sort(r.latencies)
	return r.latencies[len(r.latencies)*99/100]
}

// String gives requests/s, p99 and the CPU time per request of the
// test's process (the load, sessiond and the app) and of nginx.
func (r *pageRun) String() string {
	n := time.Duration(len(r.latencies))
	return fmt.Sprintf("%.0f requests/s, p99 %v; CPU per request: %v in the test's process (load, sessiond, app), %v in nginx",
		r.rps(), r.p99().Round(10*time.Microsecond), (r.cpu.self / n).Round(100*time.Nanosecond), (r.cpu.proxy / n).Round(100*time.Nanosecond))
}

// cpuTime is the CPU time (user and system) that this process and the
// proxy's process group have spent.
type cpuTime struct{ self, proxy time.Duration }

// cpuNow reads the CPU time of this process and of every process of the
// process group pgid, from /proc.
func cpuNow(t *testing.T, pgid int) cpuTime {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	c := cpuTime{self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // the process has ended
		}
		// The fields after the command name, which ends with the last
		// ')': state, ppid, pgrp, ..., utime and stime 11th and 12th,
		// in clock ticks of 1/100 s (USER_HZ on Linux).
		_, rest, _ := bytes.Cut(b[bytes.LastIndexByte(b, ')')+1:], []byte(" "))
		f := strings.Fields(string(rest))
		if len(f) < 13 || f[2] != strconv.Itoa(pgid) {
			continue
		}
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		c.proxy += time.Duration(utime+stime) * 10 * time.Millisecond
	}
	return c
}

// benchWorkers is how many requests the load keeps in flight.
const benchWorkers = 16

// load sends GET path from benchWorkers goroutines for two seconds, or
// 200 000 requests, and returns each request's latency, the time the
// whole took, and the CPU time this process and the proxy's process group
// pgid spent meanwhile. Every answer must be 200.
func load(t *testing.T, b *browser, pgid int, path string) ([]time.Duration, time.Duration, cpuTime) {
	t.Helper()
	req, _ := http.NewRequest("GET", b.p.origin+path, nil)
	for _, c := range b.client.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	req.Header.Set("User-Agent", browserUA)
	for k, v := range navigation {
		req.Header[k] = v
	}
	var (
		mu    sync.Mutex
		all   []time.Duration
		wg    sync.WaitGroup
		fails int
	)
	cpu0 := cpuNow(t, pgid)
	start := time.Now()
	deadline := start.Add(2 * time.Second)
	for range benchWorkers {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for len(mine) < 200_000/benchWorkers && time.Now().Before(deadline) {
				t0 := time.Now()
				res, err := b.client.Transport.RoundTrip(req)
				if err != nil || res.StatusCode != http.StatusOK {
					bad++
				}
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all, fails = append(all, mine...), fails+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	took := time.Since(start)
	cpu := cpuNow(t, pgid)
	if fails > 0 {
		t.Fatalf("%s: %d of %d requests failed", path, fails, len(all))
	}
	return all, took, cpuTime{self: cpu.self - cpu0.self, proxy: cpu.proxy - cpu0.proxy}
}
