package csrf

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// withDefaults returns c with every zero field set to its default. It
// panics on a setting that could only weaken or break the protection.
func (c Config) withDefaults() Config {
	if c.Key == nil {
		// crypto/rand.Read never fails: it crashes the program instead.
		c.Key = make([]byte, MinKeyLen)
		rand.Read(c.Key)
	}
	c.FieldName = orString(c.FieldName, DefaultFieldName)
	c.HeaderName = http.CanonicalHeaderKey(orString(c.HeaderName, DefaultHeaderName))
	if c.PreSessionTTL == 0 {
		c.PreSessionTTL = DefaultPreSessionTTL
	}
	if c.MaxFormBytes == 0 {
		c.MaxFormBytes = DefaultMaxFormBytes
	}
	if c.DenyHandler == nil {
		c.DenyHandler = http.HandlerFunc(forbidden)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	c.validate()
	return c
}

// validate panics, with a "csrf: " message, on a setting New refuses.
func (c Config) validate() {
	switch {
	case len(c.Key) < MinKeyLen:
		panic(fmt.Sprintf("csrf: Config.Key is %d bytes, want at least %d", len(c.Key), MinKeyLen))
	case c.SessionID == nil:
		panic(`csrf: Config.SessionID is required (return "" for anonymous requests)`)
	case c.PreSessionTTL < minPreSessionTTL:
		panic(fmt.Sprintf("csrf: Config.PreSessionTTL %v is shorter than %v", c.PreSessionTTL, minPreSessionTTL))
	case c.MaxFormBytes < 0:
		panic("csrf: Config.MaxFormBytes is negative")
	case !isToken(c.HeaderName):
		panic(fmt.Sprintf("csrf: Config.HeaderName %q is not a valid header name", c.HeaderName))
	case c.HeaderName == "Cookie":
		// A token read from a cookie would be sent by the browser with a
		// forged request: it would defend nothing.
		panic("csrf: Config.HeaderName must not be Cookie")
	}
}

// orString returns d when s is empty.
func orString(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// isToken reports whether s is a non-empty RFC 9110 token, as header
// names are.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return s != ""
}
