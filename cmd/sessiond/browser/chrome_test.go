package browser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// stepTimeout bounds each step of a test; the browser as a whole gets
// browserTimeout.
const (
	stepTimeout    = 20 * time.Second
	browserTimeout = 90 * time.Second
)

// startChromium starts a headless Chromium for the test, with a fresh
// profile, and returns a context for its first tab. The test is skipped
// when Chromium is not installed.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	return launchChromium(t, chromedp.IgnoreCertErrors) // the development certificate is self-signed
}

// launchChromium starts a headless Chromium as startChromium does, with
// extra options (how it deals with the certificate, features) in place of
// the certificate's.
func launchChromium(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("real-browser test skipped: %s not found (install Debian's chromium package: apt-get install -y chromium)", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // Chromium refuses to start as root without it
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("log-level", "3"),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1024, 768),
	)
	opts = append(opts, extra...)
	parent, cancelParent := context.WithTimeout(context.Background(), browserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelParent()
	})
	// The first run starts the browser: it must not carry a step's
	// timeout, which would end the whole browser with the step.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// tab is one browser tab on the demo site.
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context
	base string
}

// newDevice opens a tab in a new browser context of the same browser: an
// independent cookie jar and storage, another device as far as the site
// can tell.
func newDevice(t *testing.T, first *tab, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(first.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// As for the browser, the first run opens the tab, and a step's
	// timeout on it would close the tab with the step.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("%s: opening a browser context: %v", name, err)
	}
	return &tab{t: t, name: name, ctx: ctx, base: first.base}
}

// do runs steps with a step timeout and fails the test on an error.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
}

// run runs one action with a step timeout and returns its value.
func run[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
	return v
}

// open loads a page of the site and returns the path it ended on, after
// redirects.
func (tb *tab) open(path string) string {
	tb.t.Helper()
	tb.do("open "+path, chromedp.Navigate(tb.base+path))
	return tb.path()
}

// path is the path (and query) of the page the tab shows.
func (tb *tab) path() string {
	tb.t.Helper()
	return strings.TrimPrefix(run(tb, "location", chromedp.Location()), tb.base)
}

// submit fills the fields of the form posting to action, presses its
// button like a person does, waits for the next page and returns its path.
func (tb *tab) submit(action string, fields ...string) string {
	tb.t.Helper()
	form := `form[action="` + action + `"]`
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(fields); i += 2 {
		input := chromedp.CSS(form + ` input[name="` + fields[i] + `"]`)
		steps = append(steps, chromedp.Clear(input), chromedp.SendKeys(input, fields[i+1]))
	}
	tb.do("fill "+action, steps...)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`))); err != nil {
		tb.t.Fatalf("%s: submit %s: %v", tb.name, action, err)
	}
	return tb.path()
}

// wantPath fails the test unless got is want.
func (tb *tab) wantPath(what, got, want string) {
	tb.t.Helper()
	if got != want {
		tb.t.Fatalf("%s: %s: the browser is on %q, want %q", tb.name, what, got, want)
	}
}

// text returns the text of the first element sel matches.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return run(tb, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// count returns how many elements sel matches.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	return run(tb, "count "+sel, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
}

// jsString quotes s as a JavaScript string.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// cookies returns every cookie the browser context keeps for the site,
// HttpOnly ones included, as the browser's own storage shows them.
func (tb *tab) cookies() map[string]*network.Cookie {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.base + "/"}})
	if err != nil {
		tb.t.Fatalf("%s: cookies: %v", tb.name, err)
	}
	out := map[string]*network.Cookie{}
	for _, c := range res.Cookies {
		out[c.Name] = c
	}
	return out
}

// screenshot writes a PNG of the whole page to the artifacts directory
// and returns its path.
func (tb *tab) screenshot(name string) string {
	tb.t.Helper()
	png := run(tb, "screenshot", chromedp.FullScreenshot(100)) // quality 100 gives PNG
	dir := os.Getenv("SESSIOND_ARTIFACTS")
	if dir == "" {
		dir = tb.t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
	return path
}
