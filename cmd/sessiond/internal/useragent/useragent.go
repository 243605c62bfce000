// Package useragent turns a User-Agent header into the short description a
// person recognises on a "devices" page: "Firefox on Linux".
package useragent

import "strings"

// maxLen bounds what Describe returns for an unrecognised agent.
const maxLen = 40

// browsers are checked in order: many agents name several (Chrome's names
// Safari, Edge's names Chrome).
var browsers = []struct{ token, name string }{
	{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"}, {"HeadlessChrome/", "Headless Chrome"}, {"Chromium/", "Chromium"},
	{"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client/", "Go client"},
}

// systems are checked in order: iPhone and Android agents also say "Mac OS
// X" and "Linux".
var systems = []struct{ token, name string }{
	{"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
	{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
}

// Describe names the browser and system of ua, or gives its start when it
// knows neither.
func Describe(ua string) string {
	browser, system := find(ua, browsers), find(ua, systems)
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "a browser on " + system
	case strings.TrimSpace(ua) == "":
		return "unknown device"
	}
	if len(ua) > maxLen {
		return ua[:maxLen] + "…"
	}
	return ua
}

// find returns the name of the first token of list in ua.
func find(ua string, list []struct{ token, name string }) string {
	for _, e := range list {
		if strings.Contains(ua, e.token) {
			return e.name
		}
	}
	return ""
}
