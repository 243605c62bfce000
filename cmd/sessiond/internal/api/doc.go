// Package api is sessiond's HTTP/JSON API v1: the session engine for
// applications in any language. Every call answers JSON with
// "Cache-Control: no-store" (but GET /v1/forward-auth's 200 and 302, which
// a reverse proxy reads by their headers alone: see [ForwardAuth]); bad input is a 4xx with a generic error name,
// never a 5xx, and no answer ever carries another session's token.
//
// # Errors
//
// An error answer is {"error": NAME, "detail": SENTENCE}. The name is
// stable, for programs; the detail says what was wrong, for people
// (unknown member "tokn", user_id must be a string). It is built from the
// decoder's structured errors, never from their messages: it names
// members and never quotes a value, so no token can come back in it.
//
// The names are bad_request (400, malformed JSON, a missing, mistyped,
// unknown or repeated member, a member name in another case than
// documented, invalid UTF-8, an ip that is not an IP address, an unknown
// audit event type, a value out of bounds), invalid_session (401, for
// every token that is not a live one: unknown, expired, revoked, or a
// session bound to a device presented without its bound cookie),
// reauth_required (401, the session must re-authenticate), forbidden
// (403, an API key whose scope does not allow the call, or an unsafe
// request from another site that forward-auth is asked about),
// device_refused (403, a browser's device registration or refresh is
// refused), device_binding_off (403, device binding is off),
// not_found (404, a path under /v1/ that is no call),
// method_not_allowed (405, a method the path does not take, with the
// path's methods in Allow), conflict (409, a stale version),
// payload_too_large (413, over 1 MiB), unsupported_media_type (415, not
// application/json), too_many_requests (429), not_implemented (501, the
// store keeps no audit log), unavailable (503, the store cannot answer:
// sessiond fails closed).
//
// # Device binding
//
// A session can be bound to a key its browser keeps (W3C DBSC; see
// docs/device-binding.md). POST /v1/sessions with device_binding true
// answers the Secure-Session-Registration offer for the application to
// send; the application passes the browser's registration and refresh
// requests on to POST /v1/sessions/device/registration and /refresh and
// answers the browser with what they return. From then on validate,
// rotate, data and reauth need the bound cookie (bound_cookie) besides
// the token, and so does GET /v1/forward-auth (in the forwarded Cookie
// header); revoke needs the token only.
package api
