package secheaders

import (
	"fmt"
	"strconv"
	"time"
)

// Defaults of [Config].
const (
	// MinHSTSMaxAge is the shortest Strict-Transport-Security max-age a
	// [Policy] sends without Config.InsecureShortHSTS: one year, which is
	// also the default.
	MinHSTSMaxAge = 365 * 24 * time.Hour

	// DefaultContentSecurityPolicy allows the page's own origin only,
	// forbids plugins, <base> and framing, and sends forms only to the
	// page's own origin.
	DefaultContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; " +
		"frame-ancestors 'none'; form-action 'self'"
)

// Config tunes a [Policy]. The zero value is the secure default: every
// zero field means the default given in its doc.
type Config struct {
	// HSTSMaxAge is the max-age of Strict-Transport-Security, in whole
	// seconds. It may not be shorter than a year (MinHSTSMaxAge) unless
	// InsecureShortHSTS is set. Default one year.
	HSTSMaxAge time.Duration
	// HSTSPreload adds "preload" to Strict-Transport-Security, asking
	// browsers' preload lists to include the domain and all its
	// subdomains. It needs an HSTSMaxAge of at least a year. Default off:
	// preloading is hard to undo, so the site owner opts in.
	HSTSPreload bool
	// InsecureShortHSTS allows an HSTSMaxAge under a year, e.g. while
	// rolling HSTS out on a new domain. Browsers forget the site's HTTPS
	// requirement sooner. Default off.
	InsecureShortHSTS bool

	// ContentSecurityPolicy replaces DefaultContentSecurityPolicy. It must
	// keep object-src 'none', and a base-uri and frame-ancestors that allow
	// neither "*" nor a whole scheme (such as "https:"), unless
	// InsecureContentSecurityPolicy is set. Default
	// DefaultContentSecurityPolicy.
	ContentSecurityPolicy string
	// InsecureContentSecurityPolicy sends ContentSecurityPolicy without
	// checking that it keeps plugins, <base> and framing in check.
	// Default off.
	InsecureContentSecurityPolicy bool
}

// withDefaults returns c with every zero field set to its default, and
// panics if what the caller set is invalid or weaker than the defaults
// allow: a misconfiguration must stop the program at start-up, never
// surface at request time.
func (c Config) withDefaults() Config {
	if c.HSTSMaxAge == 0 {
		c.HSTSMaxAge = MinHSTSMaxAge
	}
	if c.ContentSecurityPolicy == "" {
		c.ContentSecurityPolicy = DefaultContentSecurityPolicy
	}
	if err := c.validate(); err != nil {
		panic(err.Error())
	}
	return c
}

// validate refuses settings that are inconsistent or weaker than the
// defaults without the matching Insecure field.
func (c Config) validate() error {
	switch {
	case c.HSTSMaxAge < time.Second:
		return fmt.Errorf("secheaders: HSTSMaxAge %v is under a second", c.HSTSMaxAge)
	case c.HSTSMaxAge < MinHSTSMaxAge && c.HSTSPreload:
		return fmt.Errorf("secheaders: HSTSPreload needs an HSTSMaxAge of at least %v", MinHSTSMaxAge)
	case c.HSTSMaxAge < MinHSTSMaxAge && !c.InsecureShortHSTS:
		return fmt.Errorf("secheaders: HSTSMaxAge %v is under %v (set InsecureShortHSTS to allow it)",
			c.HSTSMaxAge, MinHSTSMaxAge)
	}
	if !validHeaderValue(c.ContentSecurityPolicy) {
		return fmt.Errorf("secheaders: ContentSecurityPolicy %q is not a valid header value", c.ContentSecurityPolicy)
	}
	if c.InsecureContentSecurityPolicy {
		return nil
	}
	return checkCSP(c.ContentSecurityPolicy)
}

// hsts is the Strict-Transport-Security value c asks for.
func (c Config) hsts() string {
	v := "max-age=" + strconv.FormatInt(int64(c.HSTSMaxAge/time.Second), 10) + "; includeSubDomains"
	if c.HSTSPreload {
		v += "; preload"
	}
	return v
}

// validHeaderValue reports whether v can be sent as a header value: no
// control characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}
