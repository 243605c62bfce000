package main

import (
	"cmp"
	"runtime"
	"runtime/debug"
)

// version is what "sessiond version" prints: the module's version
// ("(devel)" when built from a checkout), the commit it was built from
// when the build recorded it ("modified" for a tree with uncommitted
// changes), and the Go version and platform. ok is false when the binary
// carries no build information.
func version(info *debug.BuildInfo, ok bool) string {
	if !ok {
		return "sessiond (unknown version), " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	}
	line := "sessiond " + cmp.Or(info.Main.Version, "(devel)")
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision != "" {
		line += ", commit " + revision
		if modified == "true" {
			line += " (modified)"
		}
	}
	return line + ", " + info.GoVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
}
