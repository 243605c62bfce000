package api

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/forwardauth"
	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/forwarded"
)

// ForwardAuth configures GET /v1/forward-auth, the question a reverse
// proxy asks about each request it forwards.
type ForwardAuth struct {
	// Proxies are the networks whose forwarded method, host and URI are
	// believed; from any other client the endpoint judges the request it
	// receives, as it is.
	Proxies forwarded.Proxies
	// LoginURL is where a browser's page load without a session is sent,
	// and ReauthURL where one with a session that must re-authenticate
	// is; empty: such requests are answered 401.
	LoginURL, ReauthURL string
	// ReturnOrigins are the origins a user may be sent back to after
	// logging in; a request to another gets no return URL.
	ReturnOrigins forwardauth.Origins
	// Signer signs the assertions asked for with aud; nil: aud is refused.
	Signer *forwardauth.Signer
	// Now is the clock of assertions; nil is time.Now.
	Now func() time.Time
}

// The identity headers of a forward-auth answer: every answer carries
// each one, empty where it has no value, so that a header the client sent
// can never pass for one of them.
const (
	headerUserID      = "X-Sessiond-User-Id"
	headerSessionID   = "X-Sessiond-Session-Id"
	headerAuthTime    = "X-Sessiond-Auth-Time"
	headerAuthMethods = "X-Sessiond-Auth-Methods"
	headerAssertion   = "X-Sessiond-Assertion"
	// headerRedirect is, in nginx mode, where a refused page load should
	// go: nginx's auth_request cannot pass a redirect on.
	headerRedirect = "X-Sessiond-Redirect"
)

// faQuery is what the proxy's configuration asks, in the query.
type faQuery struct {
	nginx    bool          // mode=nginx: never redirect
	maxAge   time.Duration // max_age: how fresh the login must be; 0 any
	noRotate bool          // rotate=0: the proxy cannot pass a cookie on
	aud      string        // aud: the audience of an assertion; "" none
}

// forwardAuth answers whether the request a proxy forwards may go
// through: 200 with the identity headers, or a redirect to log in or
// re-authenticate, 401, 403 for an unsafe request from another site, 429
// or 503. A bad query (the proxy's configuration) is 400.
func (a *api) forwardAuth(w http.ResponseWriter, r *http.Request) {
	setIdentity(w.Header(), nil, "")
	q, detail := parseFAQuery(r.URL.RawQuery, a.ForwardAuth.Signer != nil)
	if detail != "" {
		writeError(w, http.StatusBadRequest, "bad_request", detail)
		return
	}
	orig, ok := a.original(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "invalid_session", "the forwarded request could not be read")
		return
	}
	if csrf.CheckOrigin(orig) != nil {
		writeError(w, http.StatusForbidden, "forbidden", "an unsafe request from another site is refused")
		return
	}
	s, tok, err := a.loadCookie(r, q.noRotate)
	if tok != "" {
		// Whatever the answer, the browser must get the new token: a
		// session due for rotation is rotated before the freshness check,
		// and the retired token would look stolen after its grace window.
		http.SetCookie(w, a.Manager.SessionCookie(tok, s))
	}
	if err == nil {
		err = sessiond.Guard{MaxAge: q.maxAge}.CheckSession(s)
	}
	if err != nil {
		a.refuseForwarded(w, r, orig, q, err)
		return
	}
	setIdentity(w.Header(), s, a.assertion(q.aud, s))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// parseFAQuery reads the query of GET /v1/forward-auth, or says what is
// wrong with it. An unknown or repeated parameter is refused, so that a
// misspelt max_age never goes unnoticed.
func parseFAQuery(raw string, canSign bool) (q faQuery, detail string) {
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, "the query is malformed"
	}
	for name, vs := range values {
		if len(vs) != 1 {
			return q, name + " is repeated"
		}
		v := vs[0]
		switch name {
		case "mode":
			q.nginx = v == "nginx"
			if !q.nginx {
				return q, "mode must be nginx"
			}
		case "max_age":
			if q.maxAge, err = time.ParseDuration(v); err != nil || q.maxAge <= 0 {
				return q, "max_age must be a duration such as 10m"
			}
		case "rotate":
			if v != "0" && v != "1" {
				return q, "rotate must be 0 or 1"
			}
			q.noRotate = v == "0"
		case "aud":
			if !canSign {
				return q, "this sessiond signs no assertions"
			}
			if q.aud = v; !printableASCII(v, 512) {
				return q, "aud must be 1 to 512 bytes of printable ASCII"
			}
		default:
			return q, "unknown parameter " + url.QueryEscape(name) + "; the parameters are mode, max_age, rotate and aud"
		}
	}
	return q, ""
}

// printableASCII reports whether s is 1 to n bytes of printable ASCII
// without spaces.
func printableASCII(s string, n int) bool {
	if s == "" || len(s) > n {
		return false
	}
	for i := range len(s) {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// loadCookie loads the session of the request's cookie, rotating its
// token when due unless noRotate. A session bound to a device needs its
// bound cookie, which the proxy forwards with the session cookie in the
// browser's Cookie header (and Secure-Session-Skipped, when the browser
// says why it has none).
func (a *api) loadCookie(r *http.Request, noRotate bool) (*sessiond.Session, string, error) {
	tok, ok := a.Manager.CookieToken(r)
	if !ok {
		return nil, "", sessiond.ErrNoSession
	}
	return a.Manager.LoadDevice(r.Context(), tok, a.Manager.Client(r), a.Manager.DeviceProof(r), !noRotate)
}

// setIdentity sets every identity header: s's, or empty ones for nil.
func setIdentity(h http.Header, s *sessiond.Session, assertion string) {
	var user, id, authTime, methods string
	if s != nil {
		user, id = s.UserID(), s.ID()
		authTime = s.AuthTime().UTC().Format(time.RFC3339)
		methods = strings.Join(s.AuthMethods(), ",")
	}
	// One array holds the five values, each header a slice of it.
	v := [...]string{user, id, authTime, methods, assertion}
	h[headerUserID] = v[0:1:1]
	h[headerSessionID] = v[1:2:2]
	h[headerAuthTime] = v[2:3:3]
	h[headerAuthMethods] = v[3:4:4]
	h[headerAssertion] = v[4:5:5]
}

// assertion is the signed statement of s's identity for aud, or "" when
// none was asked for.
func (a *api) assertion(aud string, s *sessiond.Session) string {
	if aud == "" {
		return ""
	}
	now := time.Now
	if a.ForwardAuth.Now != nil {
		now = a.ForwardAuth.Now
	}
	return a.ForwardAuth.Signer.Sign(aud, s.UserID(), s.ID(), s.AuthTime(), s.AuthMethods(), now())
}

// refuseForwarded answers a request whose session does not let it
// through: a store failure or a throttled client as the API always
// does, a page load to the login or re-authentication page, anything
// else 401.
func (a *api) refuseForwarded(w http.ResponseWriter, r *http.Request, orig *http.Request, q faQuery, err error) {
	page, name := a.ForwardAuth.LoginURL, "invalid_session"
	switch {
	case errors.Is(err, sessiond.ErrReauthRequired):
		page, name = a.ForwardAuth.ReauthURL, "reauth_required"
	case !errors.Is(err, sessiond.ErrInvalidToken) && !errors.Is(err, sessiond.ErrNoSession) && !errors.Is(err, sessiond.ErrPending):
		writeSessionError(w, err)
		return
	}
	if page == "" || !pageLoad(orig) {
		writeError(w, http.StatusUnauthorized, name, "no live session lets this request through")
		return
	}
	target := a.returnTo(page, orig)
	if q.nginx {
		w.Header().Set(headerRedirect, target)
		writeError(w, http.StatusUnauthorized, name, "no live session lets this request through")
		return
	}
	w.Header().Set("Location", target)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// pageLoad reports whether orig is a browser's top-level page load: a
// GET or HEAD that is a navigation, or, from a browser that sends no
// Sec-Fetch-Mode, one that accepts HTML.
func pageLoad(orig *http.Request) bool {
	if orig.Method != http.MethodGet && orig.Method != http.MethodHead {
		return false
	}
	if mode := orig.Header.Get("Sec-Fetch-Mode"); mode != "" {
		return mode == "navigate"
	}
	return strings.Contains(orig.Header.Get("Accept"), "text/html")
}

// returnTo is page with the URL of orig in its rd parameter, when that URL
// is on an allowed origin; page alone otherwise.
func (a *api) returnTo(page string, orig *http.Request) string {
	if orig.RequestURI == "" {
		return page
	}
	scheme := "http"
	if forwarded.HTTPS(orig) {
		scheme = "https"
	}
	back, ok := a.ForwardAuth.ReturnOrigins.ReturnURL(scheme + "://" + orig.Host + orig.RequestURI)
	if !ok {
		return page
	}
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	return page + sep + "rd=" + url.QueryEscape(back)
}
