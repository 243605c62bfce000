package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestVersion(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"release", &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Version: "v0.2.0"}},
			"sessiond v0.2.0, go1.26.1 " + platform},
		{"checkout", &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Version: "(devel)"},
			Settings: settings("vcs", "git", "vcs.revision", "0123abcd", "vcs.modified", "true")},
			"sessiond (devel), commit 0123abcd (modified), go1.26.1 " + platform},
		{"clean checkout", &debug.BuildInfo{GoVersion: "go1.26.1",
			Settings: settings("vcs.revision", "0123abcd", "vcs.modified", "false")},
			"sessiond (devel), commit 0123abcd, go1.26.1 " + platform},
	} {
		if got := version(tc.info, true); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if got, want := version(nil, false), "sessiond (unknown version), "+runtime.Version()+" "+platform; got != want {
		t.Errorf("no build information: got %q, want %q", got, want)
	}
}

// TestOneLine checks that a refusal is one line, each of pgx's repeated
// lines once.
func TestOneLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"--store: unknown scheme", "--store: unknown scheme"},
		{"--store postgres: failed to connect to `user=x database=y`:\n\t127.0.0.1:1 (127.0.0.1): dial error: refused\n\t127.0.0.1:1 (127.0.0.1): dial error: refused",
			"--store postgres: failed to connect to `user=x database=y`: 127.0.0.1:1 (127.0.0.1): dial error: refused"},
		{"first\nsecond\n", "first; second"},
	} {
		if got := oneLine(tc.in); got != tc.want {
			t.Errorf("oneLine(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/sessiond-data/dev-cert.pem": "/tmp/sessiond-data/dev-cert.pem",
		"https://localhost:8443":          "https://localhost:8443",
		"/home/o'neil/my data":            `'/home/o'\''neil/my data'`,
		"$(rm -rf ~)":                     "'$(rm -rf ~)'",
		"":                                "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q): got %s, want %s", in, got, want)
		}
	}
}

func TestDisplayAddr(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8443":   "localhost:8443",
		"[::1]:8443":       "localhost:8443",
		"0.0.0.0:8443":     "localhost:8443",
		"[::]:8443":        "localhost:8443",
		"192.0.2.7:8443":   "192.0.2.7:8443",
		"[2001:db8::]:443": "[2001:db8::]:443",
	} {
		if got := displayAddr(in); got != want {
			t.Errorf("displayAddr(%q): got %q, want %q", in, got, want)
		}
	}
}
