// Package forwardauth holds the parts of sessiond's forward-auth endpoint
// (GET /v1/forward-auth, served by package api) that stand on their own:
// the allow list of origins a user may be sent back to after logging in
// ([Origins]), and the key that signs the identity assertion a proxy
// passes to its upstream, with the JWKS document that publishes it
// ([Signer]).
//
// # Return URLs
//
// A return URL is an absolute http or https URL whose origin (scheme and
// host, with its port when not the default) is exactly one of the list,
// and whose path starts with one slash. Everything else is refused,
// whatever its encoding: a scheme-relative or backslash path, user info,
// control characters, spaces, non-ASCII (an IDN host must be listed and
// sent in its xn-- form), a fragment.
//
// # Assertions
//
// An assertion is a JWT in JWS compact form, signed with Ed25519 ("alg":
// "EdDSA"), whose "kid" is the RFC 7638 thumbprint of the public key. Its
// claims are iss "sessiond", aud, sub (the user id), sid (the session id),
// iat, exp (iat + [AssertionLifetime]), auth_time and amr. The same
// assertion is given again for the same session and audience for
// [AssertionReuse] after it was issued, as long as none of its claims
// has changed: a re-authentication, say, gets a new one at once.
package forwardauth
