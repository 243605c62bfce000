package e2e

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
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
	var prot, open []time.Duration
	var protTime, openTime time.Duration
	for range rounds {
		d, took := load(t, b, "/public/page")
		open, openTime = append(open, d...), openTime+took
		d, took = load(t, b, "/docs/page")
		prot, protTime = append(prot, d...), protTime+took
	}
	rps := func(d []time.Duration, took time.Duration) float64 { return float64(len(d)) / took.Seconds() }
	p99 := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)*99/100] }
	t.Logf("unprotected: %.0f requests/s, p99 %v", rps(open, openTime), p99(open))
	t.Logf("forward-auth: %.0f requests/s, p99 %v", rps(prot, protTime), p99(prot))
	t.Logf("ratio: requests/s %.2f, p99 %.2f", rps(prot, protTime)/rps(open, openTime), float64(p99(open))/float64(p99(prot)))
}

// benchWorkers is how many requests the load keeps in flight.
const benchWorkers = 16

// load sends GET path from benchWorkers goroutines for two seconds, or
// 200 000 requests, and returns each request's latency and the time the
// whole took. Every answer must be 200.
func load(t *testing.T, b *browser, path string) ([]time.Duration, time.Duration) {
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
	if fails > 0 {
		t.Fatalf("%s: %d of %d requests failed", path, fails, len(all))
	}
	return all, took
}
