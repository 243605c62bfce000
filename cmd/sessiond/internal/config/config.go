// Package config reads the sessiond command line and environment: every
// flag can also be set as SESSIOND_<NAME>, with the flag's name in upper
// case and dashes as underscores (--idle-timeout is SESSIOND_IDLE_TIMEOUT).
// A flag on the command line wins over the environment. A refused value
// is named by its flag or its variable, with what is wanted instead;
// [UnknownVariables] finds the SESSIOND_ variables that name no flag.
package config

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/forwardauth"
)

// Config is the service's configuration, validated.
type Config struct {
	Addr               string
	DataDir            string
	Store              string
	TLSCert, TLSKey    string
	InsecureHTTP       bool
	TrustedProxies     []netip.Prefix
	IdleTimeout        time.Duration
	AbsoluteTimeout    time.Duration
	ReauthMaxAge       time.Duration
	RotationGrace      time.Duration
	RotateEvery        time.Duration
	MaxSessionsPerUser int
	APIKeyFile         string
	DataKeyFile        string
	LogLevel           string
	// ForwardAuthLoginURL and ForwardAuthReauthURL are where forward-auth
	// sends a page load without a live session, and one whose session must
	// re-authenticate; empty: it answers 401.
	ForwardAuthLoginURL, ForwardAuthReauthURL string
	// ForwardAuthReturnOrigins are the origins forward-auth may send a
	// user back to after logging in.
	ForwardAuthReturnOrigins forwardauth.Origins
	// DeviceBinding turns on device-bound sessions (W3C DBSC): on in the
	// demo, off in serve until it has been in use for longer.
	DeviceBinding bool
	// BoundCookieLifetime is how long a bound cookie is accepted, between
	// the browser's proofs of its key.
	BoundCookieLifetime time.Duration
	// Now is the clock of sessions and of the demo's TOTP codes; nil is
	// time.Now. No flag sets it: tests do, to skip time rather than wait.
	Now func() time.Time
}

// ErrHelp is returned when -h or --help was asked for; the usage has been
// written.
var ErrHelp = flag.ErrHelp

// envPrefix starts the environment variable of every flag.
const envPrefix = "SESSIOND_"

// descriptions say what each command runs, at the top of its usage.
var descriptions = map[string]string{
	"serve": "Runs the service for production: the HTTP/JSON API under /v1/ (behind API keys),\n" +
		"the admin UI under /admin/, /healthz, /readyz and /metrics, over HTTPS.",
	"demo": "Runs the whole system on one machine: the service, the admin UI and a demo\n" +
		"site, over HTTPS with a self-signed certificate kept in the data directory.",
}

// envHelp explains the environment in the usage.
const envHelp = `Every flag can also be set in the environment as SESSIOND_<NAME>, the flag's
name in upper case with dashes as underscores: --idle-timeout 45m is
SESSIOND_IDLE_TIMEOUT=45m. A flag on the command line wins over the
environment. SESSIOND_API_KEY adds an API key to those of --api-key-file.
`

// Parse reads args (without the command name) and the environment given by
// getenv. Usage (for -h) goes to out. A returned error other than ErrHelp
// is one line that names the flag or variable at fault and what it wants.
func Parse(command string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	var proxies, origins string
	fs := newFlagSet(command, &c, &proxies, &origins)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(out, command, fs)
			return c, err
		}
		return c, fmt.Errorf("%w (\"sessiond %s -h\" lists the flags)", err, command)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	name, err := fromEnv(fs, getenv)
	if err != nil {
		return c, err
	}
	if c.TrustedProxies, err = parseProxies(proxies); err != nil {
		return c, fmt.Errorf("%s: %w", name("trusted-proxies"), err)
	}
	if c.ForwardAuthReturnOrigins, err = forwardauth.ParseOrigins(origins); err != nil {
		return c, fmt.Errorf("%s: %w", name("forward-auth-return-origins"), err)
	}
	c.fillDefaults()
	return c, c.validate(name)
}

// newFlagSet defines the flags of command over c; --trusted-proxies goes
// to proxies and --forward-auth-return-origins to origins, to be parsed.
// It writes nothing: Parse prints the usage.
func newFlagSet(command string, c *Config, proxies, origins *string) *flag.FlagSet {
	fs := flag.NewFlagSet("sessiond "+command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	c.IdleTimeout, c.AbsoluteTimeout, c.ReauthMaxAge = 30*time.Minute, 12*time.Hour, 10*time.Minute
	c.RotationGrace, c.RotateEvery = 30*time.Second, 15*time.Minute
	c.BoundCookieLifetime, c.DeviceBinding = sessiond.DefaultBoundCookieLife, command == "demo"
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8443", "listen `address`")
	fs.StringVar(&c.DataDir, "data-dir", "./sessiond-data", "`directory` for the embedded store, the development certificate and generated keys")
	fs.StringVar(&c.Store, "store", "", "store `URL`: memory://, bolt://PATH, redis://HOST:PORT/DB, rediss://..., redis+cluster://H1:P1,H2:P2, postgres://... (default bolt://<data-dir>/sessions.db); a Redis URL may add ?wait=N to acknowledge a write only once N replicas have it")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "TLS certificate `file` (PEM); without it a self-signed localhost certificate is made in the data directory")
	fs.StringVar(&c.TLSKey, "tls-key", "", "TLS private key `file` (PEM)")
	fs.Var((*boolValue)(&c.InsecureHTTP), "insecure-http", "serve plain HTTP: only on a loopback address or behind --trusted-proxies (a proxy that terminates TLS)")
	fs.StringVar(proxies, "trusted-proxies", "", "comma-separated `CIDRs` of reverse proxies whose forwarding headers are believed, on requests from them only: "+
		"X-Forwarded-For gives the client's address (the nearest hop that is not a trusted proxy), "+
		"X-Forwarded-Proto its scheme (one value, https or http, which the proxy must set); "+
		"a request marked http is redirected to https (GET, HEAD) or refused (400), and behind https an http:// Origin is refused")
	fs.Var((*durationValue)(&c.IdleTimeout), "idle-timeout", "end a session after this long without a request")
	fs.Var((*durationValue)(&c.AbsoluteTimeout), "absolute-timeout", "end a session this long after its login")
	fs.Var((*durationValue)(&c.ReauthMaxAge), "reauth-max-age", "how recent a login must be for sensitive actions")
	fs.Var((*durationValue)(&c.RotationGrace), "rotation-grace", "how long a rotated token keeps working")
	fs.Var((*durationValue)(&c.RotateEvery), "rotate-every", "replace a token older than this on its next use")
	fs.Var((*intValue)(&c.MaxSessionsPerUser), "max-sessions-per-user", "revoke a user's oldest session past this many (0: no limit)")
	fs.StringVar(&c.APIKeyFile, "api-key-file", "", "`file` of API keys, one per line (default <data-dir>/api-keys); SESSIOND_API_KEY adds one")
	fs.StringVar(&c.DataKeyFile, "data-key-file", "", "`file` of the keys that seal session data and the demo's TOTP secrets, one per line as ID:BASE64 (default <data-dir>/data-keys; made on first start); replicas sharing a store need the same file")
	fs.Var((*boolValue)(&c.DeviceBinding), "device-binding", "bind the sessions of browsers that support it to a key the browser keeps "+
		"(Device Bound Session Credentials), so that a session cookie copied off the device stops working")
	fs.Var((*durationValue)(&c.BoundCookieLifetime), "bound-cookie-lifetime", "how long a device-bound session's short-lived cookie is accepted before the browser proves its key again, from 1s to 1h; keep it to minutes, as browsers limit how often they refresh")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log `level`: debug, info, warn or error")
	login, reauth := "", ""
	if command == "demo" {
		login, reauth = "/login", "/reauth"
	}
	fs.StringVar(&c.ForwardAuthLoginURL, "forward-auth-login-url", login, "`URL` (https://... or a path) where GET /v1/forward-auth sends a page load without a live session, "+
		"with the page's URL in rd; empty: 401 (demo: the demo's /login)")
	fs.StringVar(&c.ForwardAuthReauthURL, "forward-auth-reauth-url", reauth, "`URL` where forward-auth sends a page load whose session must re-authenticate or is older than max_age; empty: 401 (demo: /reauth)")
	fs.StringVar(origins, "forward-auth-return-origins", "", "comma-separated `origins` (https://app.example) that forward-auth may name in rd, exactly; a page on any other gets no rd")
	return fs
}

// fromEnv sets every flag not given on the command line from its
// SESSIOND_ variable, if that is set. It returns how to name a flag in an
// error: its variable when it came from there, else --flag.
func fromEnv(fs *flag.FlagSet, getenv func(string) string) (func(flagName string) string, error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	fromVar := map[string]string{}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := EnvName(f.Name)
		v := getenv(name)
		if given[f.Name] || v == "" || err != nil {
			return
		}
		fromVar[f.Name] = name
		if e := fs.Set(f.Name, v); e != nil {
			err = fmt.Errorf("invalid value %q for %s: %v", v, name, e)
		}
	})
	return func(flagName string) string {
		if v, ok := fromVar[flagName]; ok {
			return v
		}
		return "--" + flagName
	}, err
}

// UnknownVariables returns a warning for each SESSIOND_ variable of
// environ (as os.Environ gives it) that sessiond does not read, naming the
// closest one it does: a misspelt variable is otherwise silently ignored.
func UnknownVariables(environ []string) []string {
	known := []string{EnvName("api-key")}
	newFlagSet("serve", &Config{}, new(string), new(string)).VisitAll(func(f *flag.Flag) {
		known = append(known, EnvName(f.Name))
	})
	var warnings []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, envPrefix) && !slices.Contains(known, name) {
			warnings = append(warnings, fmt.Sprintf("%s is not a sessiond variable and is ignored (did you mean %s?)", name, closest(name, known)))
		}
	}
	return warnings
}

// closest returns the name of names nearest to name, letter case aside.
func closest(name string, names []string) string {
	return slices.MinFunc(names, func(a, b string) int {
		return cmp.Compare(distance(strings.ToUpper(name), a), distance(strings.ToUpper(name), b))
	})
}

// distance is the Levenshtein distance between a and b: the fewest
// insertions, deletions and substitutions of bytes that make one the
// other.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range len(a) {
		cur := make([]int, len(b)+1)
		cur[0] = i + 1
		for j := range len(b) {
			cost := 1
			if a[i] == b[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// EnvName is the environment variable of a flag.
func EnvName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseProxies reads a comma-separated CIDR list; a bare address is a /32
// or /128.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or an address", part)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// fillDefaults derives the defaults that depend on the data directory.
func (c *Config) fillDefaults() {
	if c.Store == "" {
		c.Store = "bolt://" + filepath.Join(c.DataDir, "sessions.db")
	}
	if c.APIKeyFile == "" {
		c.APIKeyFile = filepath.Join(c.DataDir, "api-keys")
	}
	if c.DataKeyFile == "" {
		c.DataKeyFile = filepath.Join(c.DataDir, "data-keys")
	}
}

// validate refuses what sessiond will not run with, naming each flag as
// name does.
func (c *Config) validate(name func(flagName string) string) error {
	host, _, err := net.SplitHostPort(c.Addr)
	switch {
	case err != nil:
		return fmt.Errorf("%s %q: want HOST:PORT, e.g. 127.0.0.1:8443", name("addr"), c.Addr)
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return fmt.Errorf("%s and %s go together", name("tls-cert"), name("tls-key"))
	case c.InsecureHTTP && !isLoopback(host) && len(c.TrustedProxies) == 0:
		return fmt.Errorf("%s is only allowed on a loopback address or behind --trusted-proxies", name("insecure-http"))
	case c.MaxSessionsPerUser < 0:
		return fmt.Errorf("%s must not be negative (0: no limit)", name("max-sessions-per-user"))
	case !validLevel(c.LogLevel):
		return fmt.Errorf("%s %q: want debug, info, warn or error", name("log-level"), c.LogLevel)
	case !validPage(c.ForwardAuthLoginURL):
		return fmt.Errorf("%s: want an https:// URL or a path such as /login", name("forward-auth-login-url"))
	case !validPage(c.ForwardAuthReauthURL):
		return fmt.Errorf("%s: want an https:// URL or a path such as /reauth", name("forward-auth-reauth-url"))
	}
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{
		{"idle-timeout", c.IdleTimeout}, {"absolute-timeout", c.AbsoluteTimeout},
		{"reauth-max-age", c.ReauthMaxAge}, {"rotate-every", c.RotateEvery},
	} {
		if d.value <= 0 {
			return fmt.Errorf("%s must be more than 0", name(d.flag))
		}
	}
	switch {
	case c.RotationGrace < 0:
		return fmt.Errorf("%s must not be negative", name("rotation-grace"))
	case c.IdleTimeout > c.AbsoluteTimeout:
		return fmt.Errorf("%s (%v) must not exceed %s (%v)", name("idle-timeout"), shortDuration(c.IdleTimeout), name("absolute-timeout"), shortDuration(c.AbsoluteTimeout))
	case c.BoundCookieLifetime < time.Second || c.BoundCookieLifetime > time.Hour:
		return fmt.Errorf("%s (%v) must be from 1s to 1h", name("bound-cookie-lifetime"), shortDuration(c.BoundCookieLifetime))
	}
	return nil
}

// isLoopback reports whether host names only loopback addresses.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// validPage reports whether p is empty, an absolute https URL, or a path
// on the same site (one leading slash): a place to send a browser.
func validPage(p string) bool {
	if p == "" {
		return true
	}
	u, err := url.Parse(p)
	switch {
	case err != nil || u.User != nil || u.Fragment != "" || strings.ContainsAny(p, "\\ \t\r\n"):
		return false
	case u.Scheme == "":
		return u.Host == "" && strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//")
	}
	return u.Scheme == "https" && u.Host != "" && u.Opaque == ""
}

func validLevel(l string) bool {
	switch l {
	case "debug", "info", "warn", "error":
		return true
	}
	return false
}
