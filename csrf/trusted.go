package csrf

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// trust adds origin to the trusted origins, or panics if it could never
// match an Origin header a browser sends.
func (o *originPolicy) trust(origin string) {
	if err := o.cop.AddTrustedOrigin(origin); err != nil {
		panic(fmt.Sprintf("csrf: Config.TrustedOrigins: %v", err))
	}
	host, ok := parseOrigin(origin)
	if !ok || !validHost(host) || origin != strings.ToLower(origin) || hasDefaultPort(origin) {
		panic(fmt.Sprintf("csrf: Config.TrustedOrigins: %q is not an origin as browsers send it "+
			`("scheme://host[:port]", http or https, lower case, no default port)`, origin))
	}
	o.trusted[origin] = true
}

// validHost reports whether host ("name[:port]") is an IP address or a
// DNS name, with no wildcard or other character a browser would not send.
func validHost(host string) bool {
	u := url.URL{Host: host}
	if _, err := netip.ParseAddr(u.Hostname()); err == nil {
		return true
	}
	name := u.Hostname()
	return name != "" && strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789.-") == ""
}

// hasDefaultPort reports whether origin names its scheme's default port,
// which browsers leave out of the Origin header.
func hasDefaultPort(origin string) bool {
	return strings.HasPrefix(origin, "https://") && strings.HasSuffix(origin, ":443") ||
		strings.HasPrefix(origin, "http://") && strings.HasSuffix(origin, ":80")
}

// parseOrigin returns the host of an origin of the form
// "scheme://host[:port]", with an http or https scheme. Anything else (a path, user info, a query,
// a fragment, a value that does not serialize back to itself) is refused.
func parseOrigin(s string) (host string, ok bool) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.String() != s {
		return "", false
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.User != nil || u.Path != "" || u.RawQuery != "" {
		return "", false
	}
	return u.Host, true
}
