// Package web puts sessiond's browser defences in front of a net/http
// application in one step: sessions, CSRF protection, security headers
// and login throttling, each with its secure defaults, in the order in
// which they work together.
//
// # Getting started
//
// Make a [sessiond.Manager], then a [Site] on it with [New], and serve the
// application through [Site.Handler] over HTTPS:
//
//	site := web.New(sessions, web.Config{}) // sessions: the *sessiond.Manager
//	srv := &http.Server{Addr: addr, Handler: site.Handler(mux), TLSConfig: tlsConfig}
//	err := srv.ListenAndServeTLS("", "")
//
// Every form carries [csrf.Protection.TemplateField] from [Site.CSRF]; a
// login or re-authentication starts with [Site.BeginLogin], a sign-up with
// [Site.TakeSignup]; [Site.Logout] ends a session. Routes that need a
// session, or a recent login, are wrapped in a [sessiond.Guard]
// ([sessiond.RequireAuth], [sessiond.RequireFresh]).
//
// # What each layer adds
//
// [Site.Handler] runs three middlewares, from the outside in:
//
//   - secheaders ([secheaders.Policy.Handler]) gives every response,
//     the other layers' refusals included, Strict-Transport-Security for a
//     year, X-Content-Type-Options nosniff, and on pages a
//     Content-Security-Policy that allows only the site's own resources
//     and no framing, Referrer-Policy, Cross-Origin-Opener-Policy,
//     X-Frame-Options and Permissions-Policy; it refuses TRACE and drops
//     the Server header.
//   - sessiond ([sessiond.Manager.Handler]) finds the session of the
//     "__Host-session" cookie (Secure, HttpOnly, SameSite=Lax, Path=/, no
//     Domain), enforces its idle and absolute timeouts on the server,
//     rotates its token, sets and expires the cookie, marks responses
//     that carry a session "Cache-Control: no-store", and refuses the
//     request when the store cannot answer.
//   - csrf ([csrf.Protection.Handler]) refuses an unsafe request (POST,
//     PUT, PATCH, DELETE) that another site made, by Sec-Fetch-Site and
//     Origin, or that lacks the synchronizer token of a form this site
//     served to the same session. Anonymous forms, such as the login
//     form, are bound to a short-lived pre-session cookie instead, so
//     that a login form posts only from the browser that loaded it.
//
// The order matters: the CSRF check sits inside the session middleware so
// that it can bind tokens to the session's public id, which token
// rotation leaves alone (forms outlive a rotation, not a login or a
// logout); the headers sit outside both so that their refusals get them
// too.
//
// Two more defences are not middleware, since only the handler knows when
// a password is checked: [Site.BeginLogin] runs the login throttle
// (package throttle: backoff after 5 failures for an account from one
// client, at most 100 failures an hour for an account from browsers that
// never signed in to it, a device cookie that keeps its owner from being
// locked out), and [Site.TakeSignup] limits sign-ups, which hash a
// password, to 10 an hour from one address. Both take the client's
// address from [sessiond.Manager.Client], which believes X-Forwarded-For
// from sessiond.Config.TrustedProxies only. [Site.Logout] ends the session
// on the server and sends Clear-Site-Data, so that the browser forgets the
// site's cookies, storage and cache.
//
// # Keys and replicas
//
// By default the CSRF protection and the login throttle each make a random
// key when the Site is made, which suits one process: a restart voids the
// forms already served and forgets which browsers signed in before.
// Several processes behind one site, or one that must survive restarts,
// share Config.CSRF.Key and Config.Logins.Key, as they share the
// Manager's sessiond.Config.Keys and a store other than memory.
//
// # Behind a proxy, and plain HTTP
//
// Behind a reverse proxy that terminates TLS, give the Manager the
// proxy's networks (sessiond.Config.TrustedProxies) and put the forwarded
// package's Proxies.Handler, with the same networks, in front of
// Site.Handler, so that the CSRF check knows the client's scheme. A site
// that also listens on plain HTTP serves it through
// [secheaders.RedirectHTTPS], which redirects without setting a cookie.
package web
