package csrf

import "errors"

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
