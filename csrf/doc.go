// Package csrf defends the browser routes of a net/http application
// against cross-site request forgery (CSRF): a page on another site making
// the user's browser send a state-changing request that carries the user's
// cookies. It also defends the login form (login CSRF, where an attacker
// signs the victim in to the attacker's account) and keeps its tokens out
// of reach of compression side channels (BREACH).
//
// # Layers
//
// [Protection.Check] refuses an unsafe request (any method but GET, HEAD
// and OPTIONS) unless the first two layers below accept it;
// [Protection.Handler] wraps a handler with it. Safe methods are not
// checked, so the application must change state only on unsafe ones
// (route with method patterns such as "POST /account/password"; a GET
// that changes state is unprotected). The exception is a protocol upgrade
// (a GET with an Upgrade header: a WebSocket handshake), which opens a
// channel carrying the user's cookies: its origin is checked as an unsafe
// request's is (cross-site WebSocket hijacking), without a token, which a
// browser cannot add to it.
//
// The first layer is about origin. It runs [http.CrossOriginProtection],
// which believes the browser's Sec-Fetch-Site header and falls back to
// comparing the Origin header's host with the request's Host, and closes
// the gaps that type documents:
//
//   - a request with neither Sec-Fetch-Site nor Origin is refused
//     ([ErrNoOrigin]) instead of being taken for a non-browser client;
//     every current browser sends at least one of them on an unsafe
//     request, so only clients that are not browsers are turned away, and
//     they do not belong on browser routes;
//   - "Origin: null" is refused whatever Sec-Fetch-Site says
//     ([ErrNullOrigin]);
//   - an Origin that names neither the request's host nor a trusted
//     origin is refused even when Sec-Fetch-Site says same-origin
//     ([ErrCrossOrigin]): headers that disagree are not believed; when
//     the client came over HTTPS an http:// Origin is refused too (over
//     TLS, or behind a trusted proxy that says so in X-Forwarded-Proto,
//     with the forwarded package's Proxies.Handler in front);
//   - "Sec-Fetch-Site: same-site" is refused ([ErrCrossOrigin]), as
//     CrossOriginProtection does, unless Origin is trusted: a sibling
//     subdomain is a different origin, and often a less guarded one;
//     "none" (a navigation the user started) and "same-origin" pass.
//
// Config.TrustedOrigins lists other origins allowed to post. Behind a
// reverse proxy that rewrites the Host header, list the site's own public
// origin there. Config.InsecureBypassPatterns exempts routes from every
// check.
//
// The second layer is a synchronizer token, bound to the session:
// HMAC-SHA256 under Config.Key of the session id. [Protection.Token] (or
// [Protection.TemplateField] for html/template) hands it out, masked with
// a fresh one-time pad on every call, so no two responses carry the same
// bytes and compression leaks nothing (BREACH). Check reads it from the
// Config.HeaderName header ("X-CSRF-Token") or the Config.FieldName field
// ("csrf_token") of a url-encoded or multipart body; never from the URL
// query or a cookie. It compares in constant time. A token taken from
// another browser, another session or an earlier session is refused.
//
// The third layer is for JSON endpoints: [RequireJSON] answers 415 to an
// unsafe request whose Content-Type is not application/json, which no
// cross-site form can send without the site's CORS consent. A JSON client
// sends the token in the header; a page gets one with Token, for instance
// in a <meta> element.
//
// # Login forms and pre-sessions
//
// Config.SessionID returns "" for an anonymous request, such as the one
// that shows the login form. Token then binds the token to a pre-session:
// a random 256-bit id in the cookie [PreSessionCookie] (Secure, HttpOnly,
// SameSite=Lax, Path=/, no Domain), MACed with its expiry, which is
// Config.PreSessionTTL (one hour) away and pushed back when a form is
// served in the second half of that time. A login post then passes only
// from the browser that loaded the form: another browser's token, or a
// swapped, forged, expired or missing cookie, is refused.
//
// Once the user is signed in, SessionID returns the new session's id and
// the pre-session no longer counts: a token served to the anonymous form
// is refused after login, and pages must serve fresh tokens. Likewise a
// token served to one session dies with it.
//
// # Defaults
//
// The zero [Config] but SessionID is the secure default: a random key,
// field "csrf_token", header "X-CSRF-Token", one-hour pre-sessions, form
// bodies up to 10 MiB, no trusted origins, no bypass, and a 403 with a
// generic message and "Cache-Control: no-store" for every refusal
// ([DenyReason] tells a custom Config.DenyHandler why). [New] panics on a
// configuration it refuses, never at request time.
//
// # Wiring
//
// The session middleware goes outside, so that SessionID can see the
// session; the protection inside it, around the application:
//
//	p := csrf.New(csrf.Config{
//		Key: key, // 32 bytes or more, shared by every replica
//		SessionID: func(r *http.Request) string {
//			if s := sessiond.FromContextAny(r.Context()); s != nil {
//				return s.ID()
//			}
//			return ""
//		},
//	})
//	handler := manager.Handler(p.Handler(mux)) // manager: the *sessiond.Manager
//
// SessionID must return the session's public id, which rotation of the
// session token leaves alone: forms stay valid across rotation and die at
// login and logout.
//
// # Keys and replicas
//
// Without Config.Key, New makes a random key. That suits one process:
// every replica behind a load balancer must be given the same key, or a
// form served by one is refused by another, and a restart voids the forms
// already served. Tokens carry no time, so changing the key is what ends
// every token at once.
package csrf
