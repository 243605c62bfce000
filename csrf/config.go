package csrf

import (
	"io"
	"net/http"
	"time"
)

// Default values of [Config].
const (
	// DefaultFieldName is the hidden form field that carries the token.
	DefaultFieldName = "csrf_token"
	// DefaultHeaderName is the request header that carries the token.
	DefaultHeaderName = "X-CSRF-Token"
	// DefaultPreSessionTTL is how long a pre-session lasts.
	DefaultPreSessionTTL = time.Hour
	// DefaultMaxFormBytes bounds the form body read to find the token:
	// 10 MiB, the cap net/http puts on url-encoded forms.
	DefaultMaxFormBytes = 10 << 20
)

// PreSessionCookie is the name of the cookie that holds an anonymous
// browser's pre-session. The __Host- prefix makes browsers insist on
// Secure, Path=/ and no Domain, so neither plain HTTP nor a sibling
// subdomain can plant one.
const PreSessionCookie = "__Host-csrf-pre"

// MinKeyLen is the shortest Config.Key accepted: 256 bits.
const MinKeyLen = 32

// minPreSessionTTL is the shortest pre-session allowed: a shorter one
// would end before a user could fill in the form it was made for.
const minPreSessionTTL = time.Minute

// Config tunes a [Protection]. Every zero field means the default given in
// its doc, except SessionID, which is required.
type Config struct {
	// Key signs tokens and pre-session cookies; at least 32 bytes. Every
	// replica behind one site must share it, or a form served by one
	// replica is refused by another. Default: a random key made at New,
	// which suits a single process only (a restart voids every token
	// already served).
	Key []byte

	// SessionID returns the id of the request's session, or "" for an
	// anonymous request, whose tokens are then bound to a pre-session.
	// Return the session's public id, which token rotation leaves alone,
	// so that forms outlive a rotation but not the session. Required: New
	// panics without it.
	SessionID func(*http.Request) string

	// TrustedOrigins are origins ("scheme://host[:port]", lower case, no
	// path, no default port) other than the request's own from which
	// unsafe requests are accepted, whatever their Sec-Fetch-Site. "null"
	// and wildcards are refused. Default none.
	TrustedOrigins []string

	// InsecureBypassPatterns are [http.ServeMux] patterns whose requests
	// skip every check of [Protection.Check], origin and token alike: for
	// endpoints that must accept cross-site POSTs (an identity provider's
	// form_post callback, say) and defend themselves otherwise.
	// Default none.
	InsecureBypassPatterns []string

	// FieldName is the hidden form field read for the token.
	// Default "csrf_token".
	FieldName string
	// HeaderName is the request header read for the token; it takes
	// precedence over the form field. Default "X-CSRF-Token".
	HeaderName string

	// PreSessionTTL is how long a pre-session (see [PreSessionCookie])
	// lasts after it was made or last extended. At least one minute.
	// Default 1 hour.
	PreSessionTTL time.Duration

	// MaxFormBytes bounds the url-encoded or multipart body that Check
	// reads to find the form field; a larger body is refused. Default
	// 10 MiB.
	MaxFormBytes int64

	// DenyHandler answers a request that [Protection.Handler] refuses;
	// [DenyReason] gives it the cause. Default: 403 with a generic
	// plain-text message and "Cache-Control: no-store".
	DenyHandler http.Handler

	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// Rand is the source of masks and pre-session ids. Default
	// crypto/rand.
	Rand io.Reader
}
