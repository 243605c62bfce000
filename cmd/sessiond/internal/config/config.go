// Package config reads the sessiond command line and environment: every
// flag can also be set as SESSIOND_<NAME>, with the flag's name in upper
// case and dashes as underscores (--idle-timeout is SESSIOND_IDLE_TIMEOUT).
// A flag on the command line wins over the environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"time"
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
	// Now is the clock of sessions and of the demo's TOTP codes; nil is
	// time.Now. No flag sets it: tests do, to skip time rather than wait.
	Now func() time.Time
}

// ErrHelp is returned when -h or --help was asked for; the usage has been
// written.
var ErrHelp = flag.ErrHelp

// Parse reads args (without the command name) and the environment given by
// getenv. Usage and errors go to out. A returned error other than ErrHelp
// is one line that says what is wrong.
func Parse(command string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	var proxies string
	fs := flag.NewFlagSet("sessiond "+command, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8443", "listen `address`")
	fs.StringVar(&c.DataDir, "data-dir", "./sessiond-data", "`directory` for the embedded store, the development certificate and generated keys")
	fs.StringVar(&c.Store, "store", "", "store `URL`: memory://, bolt://PATH, redis://HOST:PORT/DB, rediss://..., redis+cluster://H1:P1,H2:P2, postgres://... (default bolt://<data-dir>/sessions.db)")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "TLS certificate `file` (PEM); without it a self-signed localhost certificate is made in the data directory")
	fs.StringVar(&c.TLSKey, "tls-key", "", "TLS private key `file` (PEM)")
	fs.BoolVar(&c.InsecureHTTP, "insecure-http", false, "serve plain HTTP: only on a loopback address or behind --trusted-proxies (a proxy that terminates TLS)")
	fs.StringVar(&proxies, "trusted-proxies", "", "comma-separated `CIDRs` of reverse proxies whose forwarding headers are believed, on requests from them only: "+
		"X-Forwarded-For gives the client's address (the nearest hop that is not a trusted proxy), "+
		"X-Forwarded-Proto its scheme (one value, https or http, which the proxy must set); "+
		"a request marked http is redirected to https (GET, HEAD) or refused (400), and behind https an http:// Origin is refused")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 30*time.Minute, "end a session after this long without a request")
	fs.DurationVar(&c.AbsoluteTimeout, "absolute-timeout", 12*time.Hour, "end a session this long after its login")
	fs.DurationVar(&c.ReauthMaxAge, "reauth-max-age", 10*time.Minute, "how recent a login must be for sensitive actions")
	fs.DurationVar(&c.RotationGrace, "rotation-grace", 30*time.Second, "how long a rotated token keeps working")
	fs.DurationVar(&c.RotateEvery, "rotate-every", 15*time.Minute, "replace a token older than this on its next use")
	fs.IntVar(&c.MaxSessionsPerUser, "max-sessions-per-user", 0, "revoke a user's oldest session past this many (0: no limit)")
	fs.StringVar(&c.APIKeyFile, "api-key-file", "", "`file` of API keys, one per line (default <data-dir>/api-keys); SESSIOND_API_KEY adds one")
	fs.StringVar(&c.DataKeyFile, "data-key-file", "", "`file` of the keys that seal session data and the demo's TOTP secrets, one per line as ID:BASE64 (default <data-dir>/data-keys; made on first start); replicas sharing a store need the same file")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log `level`: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := fromEnv(fs, getenv); err != nil {
		return c, err
	}
	var err error
	if c.TrustedProxies, err = parseProxies(proxies); err != nil {
		return c, err
	}
	c.fillDefaults()
	return c, c.validate()
}

// fromEnv sets every flag not given on the command line from its
// SESSIOND_ variable, if that is set.
func fromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := EnvName(f.Name)
		v := getenv(name)
		if given[f.Name] || v == "" || err != nil {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = fmt.Errorf("%s: invalid value", name)
		}
	})
	return err
}

// EnvName is the environment variable of a flag.
func EnvName(flagName string) string {
	return "SESSIOND_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
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
				return nil, fmt.Errorf("--trusted-proxies: %q is not a CIDR", part)
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

// validate refuses what sessiond will not run with.
func (c *Config) validate() error {
	host, _, err := net.SplitHostPort(c.Addr)
	switch {
	case err != nil:
		return fmt.Errorf("--addr %q: want HOST:PORT", c.Addr)
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return errors.New("--tls-cert and --tls-key go together")
	case c.InsecureHTTP && !isLoopback(host) && len(c.TrustedProxies) == 0:
		return errors.New("--insecure-http is only allowed on a loopback address or behind --trusted-proxies")
	case c.IdleTimeout <= 0 || c.AbsoluteTimeout <= 0 || c.ReauthMaxAge <= 0 || c.RotationGrace < 0 || c.RotateEvery <= 0:
		return errors.New("timeouts must be positive durations")
	case c.IdleTimeout > c.AbsoluteTimeout:
		return errors.New("--idle-timeout must not exceed --absolute-timeout")
	case c.MaxSessionsPerUser < 0:
		return errors.New("--max-sessions-per-user must not be negative")
	case !validLevel(c.LogLevel):
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
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

func validLevel(l string) bool {
	switch l {
	case "debug", "info", "warn", "error":
		return true
	}
	return false
}
