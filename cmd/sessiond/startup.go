package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/server"
)

// defaultDataDir is the default of --data-dir, which commands printed for
// the user leave out.
const defaultDataDir = "./sessiond-data"

// announce prints what a person needs once sessiond listens: the API key
// made on this start (or where the keys are), the first operator's
// password, a warning when serve runs on the development certificate, the
// addresses of the admin UI and the demo site and, for the demo, the API's
// description and commands to paste that create and validate a session.
func announce(w io.Writer, mode string, s *server.Started) {
	cfg := s.App.Config
	if s.App.GeneratedKey != "" {
		fmt.Fprintf(w, "sessiond: generated API key (shown once, kept in %s): %s\n", cfg.APIKeyFile, s.App.GeneratedKey)
	} else if _, err := os.Stat(cfg.APIKeyFile); err == nil {
		fmt.Fprintf(w, "sessiond: API keys in %s\n", cfg.APIKeyFile)
	}
	if s.Password != "" {
		fmt.Fprintf(w, "sessiond: created operator %q for the admin UI (password shown once; to replace it: %s --username %s): %s\n",
			s.Operator, adminCommand(cfg, "reset-password"), s.Operator, s.Password)
	}
	if mode == "serve" && s.App.UsesDevCert() {
		fmt.Fprintf(w, "sessiond: WARNING: no --tls-cert given: serving HTTPS with a self-signed development certificate (%s) that browsers and clients do not trust; give --tls-cert and --tls-key in production\n", s.App.DevCertPath())
	}
	base := scheme(cfg) + "://" + displayAddr(s.Listener.Addr().String())
	fmt.Fprintf(w, "sessiond: admin UI at %s/admin/ (more operators: %s --username NAME)\n", base, adminCommand(cfg, "create-user"))
	if mode != "demo" {
		return
	}
	selfSigned := ""
	if s.App.UsesDevCert() {
		selfSigned = " (the certificate is self-signed: accept it in your browser)"
	}
	fmt.Fprintf(w, "sessiond: demo site at %s/%s\n", base, selfSigned)
	fmt.Fprintf(w, "sessiond: API at %s/v1/, described by %s/v1/openapi.json; to create a session and validate it, paste:\n%s", base, base, tryAPI(s, base))
}

// tryAPI returns shell commands that create a session with the API and
// validate its token, trusting the development certificate by its file
// rather than with curl -k.
func tryAPI(s *server.Started, base string) string {
	cfg := s.App.Config
	var key string
	switch _, err := os.Stat(cfg.APIKeyFile); {
	case s.App.GeneratedKey != "":
		key = shellQuote(s.App.GeneratedKey)
	case err == nil:
		key = "$(grep -m1 '^[^#]' " + shellQuote(absPath(cfg.APIKeyFile)) + ")"
	default:
		key = `"$SESSIOND_API_KEY"`
	}
	curl := `curl -sS -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json'`
	vars := "KEY=" + key + " URL=" + shellQuote(base)
	if s.App.UsesDevCert() {
		vars += " CERT=" + shellQuote(absPath(s.App.DevCertPath()))
		curl += ` --cacert "$CERT"`
	}
	return "  " + vars + "\n" +
		"  TOKEN=$(" + curl + ` -d '{"user_id":"alice"}' "$URL/v1/sessions" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')` + "\n" +
		"  " + curl + ` -d "{\"token\":\"$TOKEN\"}" "$URL/v1/sessions/validate"` + "\n"
}

// absPath is path made absolute, so that a command works from any
// directory; path itself if that fails.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// adminCommand is the command line of an admin subcommand on this data
// directory.
func adminCommand(cfg config.Config, sub string) string {
	cmd := "sessiond admin " + sub
	if cfg.DataDir != defaultDataDir {
		cmd += " --data-dir " + shellQuote(cfg.DataDir)
	}
	return cmd
}

// scheme is the scheme sessiond serves.
func scheme(cfg config.Config) string {
	if cfg.InsecureHTTP {
		return "http"
	}
	return "https"
}

// shellQuote quotes s for a POSIX shell, unless it needs no quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// displayAddr is addr as a person types it: "localhost" for a loopback or
// unspecified address, so that the browser's address matches the
// development certificate.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err == nil && ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return net.JoinHostPort("localhost", port)
	}
	return addr
}
