package forwardauth

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Origins is the allow list of origins a return URL may have, each as
// "scheme://host[:port]" in lower case.
type Origins []string

// ParseOrigins reads a comma-separated list of origins, such as
// "https://app.example,https://docs.example:8443". Each must be an http or
// https origin as a browser writes it: lower case, no path, no default port.
func ParseOrigins(list string) (Origins, error) {
	var out Origins
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		u, err := url.Parse(part)
		if err != nil || !validOrigin(u) || u.Scheme+"://"+u.Host != part || part != strings.ToLower(part) || u.Port() == defaultPort(u.Scheme) {
			return nil, fmt.Errorf("%q is not an origin such as https://app.example (scheme and host in lower case, no path, no default port)", part)
		}
		out = append(out, part)
	}
	return out, nil
}

// validOrigin reports whether u has an http or https scheme, a host of
// plain ASCII name characters, and no user info or opaque part.
func validOrigin(u *url.URL) bool {
	return (u.Scheme == "https" || u.Scheme == "http") && u.User == nil && u.Opaque == "" &&
		u.Hostname() != "" && strings.Trim(strings.ToLower(u.Host), "abcdefghijklmnopqrstuvwxyz0123456789.-:[]") == ""
}

// defaultPort is the port a browser leaves out of scheme's origins.
func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// maxReturnURL bounds a return URL.
const maxReturnURL = 4096

// ReturnURL checks raw, a URL to send the user back to, and returns it
// as it will be sent: scheme and host in lower case, then the path and
// query as given. It refuses (false) a URL whose origin is not exactly
// one of o, a path that does not start with exactly one slash, and any
// byte that is not printable ASCII or is a backslash, so that no
// encoding of another site gets through.
func (o Origins) ReturnURL(raw string) (string, bool) {
	if len(raw) > maxReturnURL || strings.IndexFunc(raw, unsafeRune) >= 0 {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || !validOrigin(u) || u.Fragment != "" || u.RawFragment != "" || strings.HasSuffix(u.Host, ":") {
		return "", false
	}
	origin := u.Scheme + "://" + strings.ToLower(u.Host)
	path := u.EscapedPath()
	if !slices.Contains(o, origin) || !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
		return "", false
	}
	return origin + u.RequestURI(), true
}

// unsafeRune reports whether c has no place in a return URL: a control
// character, a space, a backslash, a fragment's # or anything beyond
// ASCII.
func unsafeRune(c rune) bool {
	return c <= ' ' || c >= 0x7f || c == '\\' || c == '#'
}
