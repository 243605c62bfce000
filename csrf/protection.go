package csrf

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strings"
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

// Protection defends an application's browser routes against cross-site
// request forgery: it checks the origin of every unsafe request and the
// synchronizer token it carries. Make one with [New]; it is immutable and
// safe for concurrent use.
type Protection struct {
	cfg     Config
	origins *originPolicy
	tokens  *macer // token = HMAC(tokens' key, binding)
	cookies *macer // pre-session cookie MAC
	field   string // the start of TemplateField's output, up to the value
}

// New returns a Protection for cfg. It panics, with a message starting
// "csrf: ", when cfg is invalid: a Key shorter than 32 bytes, no
// SessionID, a malformed trusted origin or bypass pattern, and so on.
func New(cfg Config) *Protection {
	cfg = cfg.withDefaults()
	p := &Protection{
		cfg:     cfg,
		origins: newOriginPolicy(cfg.TrustedOrigins, cfg.InsecureBypassPatterns),
		tokens:  newMacer(cfg.Key, "sessiond csrf token"),
		cookies: newMacer(cfg.Key, "sessiond csrf pre-session cookie"),
		field:   `<input type="hidden" name="` + template.HTMLEscapeString(cfg.FieldName) + `" value="`,
	}
	p.cfg.Key = nil // only the derived keys are kept
	return p
}

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
	case !validHeaderName(c.HeaderName):
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

// validHeaderName reports whether s is a non-empty RFC 9110 token, as
// header names are.
func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return s != ""
}

// Check applies every check to r and returns nil if it may proceed, or the
// reason it must be refused: [ErrCrossOrigin], [ErrNoOrigin],
// [ErrNullOrigin], [ErrMissingToken] or [ErrBadToken].
//
// Safe methods (GET, HEAD, OPTIONS) pass untouched, as do requests that
// match Config.InsecureBypassPatterns. Any other method must come from the
// site's own origin (or a trusted one) and carry a token bound to the
// request's session or pre-session, in the Config.HeaderName header or, for
// an application/x-www-form-urlencoded or multipart/form-data body, in the
// Config.FieldName field. Reading the field parses the body (bounded by
// Config.MaxFormBytes) into r.PostForm or r.MultipartForm, where the
// application finds it as usual. The URL query and cookies are never read
// for the token.
//
// Check does not call the deny handler.
func (p *Protection) Check(r *http.Request) error {
	return p.check(nil, r)
}

// Handler returns a handler that runs [Protection.Check] before next, and
// answers a refused request with Config.DenyHandler instead.
//
// Put it inside the session middleware, so that SessionID sees the
// request's session.
func (p *Protection) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.check(w, r); err != nil {
			ctx := context.WithValue(r.Context(), reasonKey{}, err)
			p.cfg.DenyHandler.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// check is Check with the response writer, when there is one, so that an
// oversized body can close the connection.
func (p *Protection) check(w http.ResponseWriter, r *http.Request) error {
	if p.origins.bypassed(r) {
		return nil
	}
	if err := p.origins.checkRequest(r); err != nil || safeMethod(r.Method) {
		return err
	}
	return p.checkToken(w, r)
}

// plainOrigins is the cross-origin layer with no trusted origin and no
// bypass, for CheckOrigin.
var plainOrigins = newOriginPolicy(nil, nil)

// CheckOrigin applies the cross-origin half of [Protection.Check] to r,
// with no trusted origin and no token: a safe method passes (a protocol
// upgrade excepted), and any other must show, by Origin or Sec-Fetch-Site,
// that it comes from r's own origin (r.Host, and the scheme [forwarded.HTTPS]
// sees). It returns [ErrCrossOrigin], [ErrNoOrigin] or [ErrNullOrigin],
// or nil.
//
// It is for a service that judges a request on another's behalf, such as a
// forward-auth endpoint asked by a reverse proxy: it builds r from the
// method, host and browser headers of the request the proxy forwards.
func CheckOrigin(r *http.Request) error {
	return plainOrigins.checkRequest(r)
}

// safeMethod reports whether m is one of the methods that must never
// change state. Anything else, including methods in unusual case, is
// checked.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// Errors returned by [Protection.Check] and [CheckJSON]. The default deny
// handlers never show them to the client: every refusal looks the same.
// [DenyReason] hands the error to a custom deny handler for logging.
var (
	// ErrCrossOrigin is returned when an unsafe request comes from another
	// origin: Sec-Fetch-Site is "cross-site", "same-site" or an unknown
	// value, or Origin names neither the request's host nor a trusted
	// origin, or either header is repeated.
	ErrCrossOrigin = errors.New("csrf: cross-origin request")
	// ErrNoOrigin is returned when an unsafe request carries neither a
	// Sec-Fetch-Site nor an Origin header, so its origin cannot be told.
	ErrNoOrigin = errors.New("csrf: request carries neither Sec-Fetch-Site nor Origin")
	// ErrNullOrigin is returned when an unsafe request carries
	// "Origin: null", as sandboxed frames, data: URLs and cross-origin
	// redirects do.
	ErrNullOrigin = errors.New("csrf: Origin is null")
	// ErrMissingToken is returned when an unsafe request carries no
	// synchronizer token in its header or form field, or its form body
	// could not be read (for instance because it exceeds
	// Config.MaxFormBytes).
	ErrMissingToken = errors.New("csrf: missing token")
	// ErrBadToken is returned when a token is malformed, was issued for
	// another session or pre-session, or the request has neither a session
	// nor a valid pre-session cookie to check it against.
	ErrBadToken = errors.New("csrf: invalid token")
	// ErrContentType is returned by [CheckJSON] when an unsafe request's
	// Content-Type is not application/json.
	ErrContentType = errors.New("csrf: Content-Type is not application/json")
)

// reasonKey is the context key of the error that made Handler refuse a
// request.
type reasonKey struct{}

// DenyReason returns the error that made [Protection.Handler] refuse r,
// for a Config.DenyHandler that logs it, or nil outside a deny handler.
// Show it to no one but the operator.
func DenyReason(r *http.Request) error {
	err, _ := r.Context().Value(reasonKey{}).(error)
	return err
}

// forbidden is the default deny handler: a generic 403 that says nothing
// of the cause, so a refusal teaches an attacker nothing.
func forbidden(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "forbidden", http.StatusForbidden)
}

// CheckJSON returns [ErrContentType] when r has an unsafe method and its
// Content-Type is not application/json (parameters such as charset
// allowed). A cross-site form can send text/plain,
// application/x-www-form-urlencoded and multipart/form-data without a
// CORS preflight, but never application/json, so a JSON endpoint that
// insists on it cannot be reached by a forged form.
func CheckJSON(r *http.Request) error {
	if safeMethod(r.Method) {
		return nil
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" || len(r.Header["Content-Type"]) > 1 {
		return ErrContentType
	}
	return nil
}

// RequireJSON returns a handler that answers 415 Unsupported Media Type,
// with a generic plain-text message and "Cache-Control: no-store", to
// every request [CheckJSON] refuses, and passes the others to next. Use it
// on JSON endpoints, inside [Protection.Handler].
func RequireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if CheckJSON(r) != nil {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "unsupported media type", http.StatusUnsupportedMediaType)
			return
		}
		next.ServeHTTP(w, r)
	})
}
