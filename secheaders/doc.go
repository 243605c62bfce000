// Package secheaders hardens every response of a sessiond application
// with the security headers browsers understand, refuses TRACE, hides the
// Server header, and helps with logout and plain-HTTP requests.
//
// # Getting started
//
// Make a [Policy] with [New] and put its [Policy.Handler] outside the
// session middleware, so that its headers reach every response, the
// session middleware's own error answers included:
//
//	h := secheaders.New(secheaders.Config{}).Handler(sessions.Handler(mux))
//	http.ListenAndServeTLS(addr, cert, key, h)
//
// # Headers on every response
//
// Strict-Transport-Security "max-age=31536000; includeSubDomains" makes
// the browser use HTTPS for the site and its subdomains for a year, so
// that an attacker on the network cannot downgrade a later visit to plain
// HTTP and read the session cookie. Config.HSTSMaxAge may lengthen it;
// shortening it below a year needs Config.InsecureShortHSTS.
// Config.HSTSPreload adds "preload" for the browsers' preload lists.
//
// X-Content-Type-Options "nosniff" stops the browser from guessing a
// response's type, so that an uploaded text file or a JSON answer is
// never run as a script or rendered as HTML.
//
// Both are always the policy's, whatever the handler set.
//
// # Headers for pages
//
// The contract asks for the following on every HTML page. The middleware
// sends them on every response a browser may show as a document: any
// response but JSON, stylesheets, scripts, raster images and fonts (a
// response without a Content-Type counts as a document, since net/http may
// sniff it as HTML):
//
//   - Content-Security-Policy, by default [DefaultContentSecurityPolicy]:
//     only the site's own scripts, styles, images and connections; no
//     plugins (object-src 'none'); no <base> element, which an injection
//     could use to redirect relative URLs (base-uri 'none'); no framing
//     by any site, which defeats clickjacking (frame-ancestors 'none');
//     forms submit only to the site itself (form-action 'self').
//   - Referrer-Policy "strict-origin-when-cross-origin": other sites see
//     the origin only, never a path or query string.
//   - Cross-Origin-Opener-Policy "same-origin": a window that another site
//     opened, or that opens one, cannot reach it through window.opener,
//     which defeats cross-window attacks such as tab-nabbing and XS-Leaks.
//   - X-Frame-Options "DENY" ("SAMEORIGIN" for a frame-ancestors 'self'
//     policy): the same framing rule for browsers too old for
//     frame-ancestors. It is left out when frame-ancestors names other
//     origins, which X-Frame-Options cannot express.
//   - Permissions-Policy "camera=(), geolocation=(), microphone=()": the
//     site and anything it embeds never get these.
//
// # Overriding
//
// Config.ContentSecurityPolicy replaces the policy for the whole site.
// [New] checks that it still has object-src 'none', and base-uri and
// frame-ancestors directives that allow neither "*" nor a whole scheme,
// and panics otherwise; Config.InsecureContentSecurityPolicy turns the
// check off. A handler that sets one of the page headers itself, before
// it writes the response, keeps its own value (for instance a CSP with a
// per-response nonce); that value is not checked.
//
// # Methods and the Server header
//
// TRACE and TRACK are answered 405 without calling the next handler:
// they echo a request back, which can expose its cookies to a script.
// The Server header, which would tell an attacker what software and
// version to target, is removed from every response, even when a handler
// sets it; net/http does not send one by itself.
//
// # Logout
//
// [ClearSiteData] sets `Clear-Site-Data: "cache", "cookies", "storage"`
// on a logout response, so the browser forgets the site's cached pages,
// cookies and storage. "cookies" clears every cookie of the site,
// including the throttle package's device cookie: a browser that logs out
// this way counts as new for login throttling until its next successful
// login.
//
// # Plain HTTP
//
// [RedirectHTTPS] answers requests whose client did not come over HTTPS
// itself, without calling the next handler and so without setting a
// cookie: GET and HEAD are redirected to https with 308, other methods
// refused. Behind a proxy that terminates TLS, the forwarded package's
// Proxies.Handler tells it the client's scheme from the X-Forwarded-Proto
// of trusted proxies only.
package secheaders
