package secheaders

import (
	"fmt"
	"strings"
)

// checkCSP reports whether policy still blocks plugins, <base> hijacking
// and framing: object-src 'none', and restrictive base-uri and
// frame-ancestors directives.
func checkCSP(policy string) error {
	d := directives(policy)
	if obj := d["object-src"]; len(obj) != 1 || obj[0] != "'none'" {
		return fmt.Errorf("secheaders: ContentSecurityPolicy must have object-src 'none' "+
			"(set InsecureContentSecurityPolicy to allow %q)", policy)
	}
	for _, name := range []string{"base-uri", "frame-ancestors"} {
		if !restrictive(d[name]) {
			return fmt.Errorf("secheaders: ContentSecurityPolicy must have a %s without \"*\" or scheme sources "+
				"(set InsecureContentSecurityPolicy to allow %q)", name, policy)
		}
	}
	return nil
}

// directives splits a policy into its directives, by lower-cased name,
// with lower-cased source lists. Browsers obey the first of repeated
// directives and ignore the others, and so does directives.
func directives(policy string) map[string][]string {
	d := make(map[string][]string)
	for part := range strings.SplitSeq(policy, ";") {
		f := strings.Fields(strings.ToLower(part))
		if len(f) == 0 {
			continue
		}
		if _, seen := d[f[0]]; !seen {
			d[f[0]] = f[1:]
		}
	}
	return d
}

// restrictive reports whether a source list is present and names neither
// every origin ("*") nor a whole scheme ("https:", "data:").
func restrictive(sources []string) bool {
	if len(sources) == 0 {
		return false
	}
	for _, s := range sources {
		if s == "*" || strings.HasSuffix(s, ":") {
			return false
		}
	}
	return true
}

// frameOptions is the X-Frame-Options value that says to older browsers
// what the policy's frame-ancestors says to newer ones, or "" when it
// cannot be said (other origins: X-Frame-Options names none).
func frameOptions(policy string) string {
	fa := directives(policy)["frame-ancestors"]
	switch {
	case len(fa) != 1:
		return ""
	case fa[0] == "'none'":
		return "DENY"
	case fa[0] == "'self'":
		return "SAMEORIGIN"
	}
	return ""
}
