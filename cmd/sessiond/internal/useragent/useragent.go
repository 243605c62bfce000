// Package useragent turns a User-Agent header into the short description a
// person recognises on a "devices" page: "Firefox 128 on Windows".
package useragent

import "strings"

// browsers are the User-Agent tokens of browsers and tools, in the order
// they are looked for: a browser's token before the tokens it copies
// (Edge and Opera say "Chrome", Chrome says "Safari").
var browsers = []struct{ token, name string }{
	{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
	{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"},
	{"Version/", "Safari"},
	{"curl/", "curl"}, {"Wget/", "Wget"}, {"python-requests/", "Python requests"},
	{"Go-http-client/", "Go HTTP client"}, {"okhttp/", "OkHttp"}, {"PostmanRuntime/", "Postman"},
}

// systems are the User-Agent tokens of operating systems, in the order
// they are looked for (Android says "Linux", iOS says "Mac OS X").
var systems = []struct{ token, name string }{
	{"iPhone", "iOS"}, {"iPod", "iOS"}, {"iPad", "iPadOS"},
	{"Android", "Android"}, {"CrOS", "ChromeOS"},
	{"Windows", "Windows"}, {"Macintosh", "macOS"}, {"Mac OS X", "macOS"},
	{"Linux", "Linux"}, {"FreeBSD", "FreeBSD"},
}

// Describe summarises a User-Agent for a person: the browser with its major
// version and the operating system ("Firefox 128 on Windows"), a tool
// ("curl 8"), or "Unknown device".
func Describe(ua string) string {
	browser, version := findBrowser(ua)
	system := findSystem(ua)
	if version != "" {
		browser += " " + version
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "Browser on " + system
	}
	return "Unknown device"
}

// findBrowser returns the first browser whose token ua holds, and the
// major version after it.
func findBrowser(ua string) (name, version string) {
	for _, b := range browsers {
		if b.name == "Safari" && !strings.Contains(ua, "Safari/") {
			continue // "Version/" alone is not Safari's
		}
		if _, after, ok := strings.Cut(ua, b.token); ok {
			return b.name, majorVersion(after)
		}
	}
	return "", ""
}

// findSystem returns the first operating system whose token ua holds.
func findSystem(ua string) string {
	for _, s := range systems {
		if strings.Contains(ua, s.token) {
			return s.name
		}
	}
	return ""
}

// majorVersion returns the leading digits of s, at most 5 of them.
func majorVersion(s string) string {
	n := 0
	for n < len(s) && n < 5 && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return s[:n]
}
