// Command sessiond is secure session management as a service: the session
// engine behind an authenticated HTTP/JSON API, with an admin UI, metrics
// and a demo site.
//
// Usage:
//
//	sessiond demo  [flags]   the whole system on one machine, with a demo site
//	sessiond serve [flags]   the service for production
//	sessiond admin COMMAND   the operators of the admin UI
//	sessiond version         the version, commit and Go version
//
// Run "sessiond serve -h" for the flags; each is also read from
// SESSIOND_<NAME> (--idle-timeout is SESSIOND_IDLE_TIMEOUT).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/operators"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/server"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/stores"
)

const usage = `sessiond: secure session management

Usage:
  sessiond demo  [flags]   the whole system on one machine, with a demo site
  sessiond serve [flags]   the API and admin UI, for production
  sessiond admin COMMAND   the operators of the admin UI: create-user, list-users,
                           reset-password, delete-user ("sessiond admin -h")
  sessiond version         the version, commit and Go version of this binary
  sessiond help            this text

Run "sessiond serve -h" for the flags; each is also read from SESSIOND_<NAME>
(--idle-timeout is SESSIOND_IDLE_TIMEOUT).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes a command and returns the exit status: 2 for a usage or
// configuration error, 1 for a failure while running.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve", "demo":
		return serve(ctx, args[0], args[1:], stderr)
	case "admin":
		return operators.Command(args[1:], os.Stdin, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, version(debug.ReadBuildInfo()))
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stderr, usage)
		return 0
	}
	fmt.Fprintf(stderr, "sessiond: unknown command %q (try \"sessiond help\")\n", args[0])
	return 2
}

// serve runs the service (and in demo mode the demo site) until ctx ends.
func serve(ctx context.Context, mode string, args []string, stderr io.Writer) int {
	for _, w := range config.UnknownVariables(os.Environ()) {
		fmt.Fprintf(stderr, "sessiond: warning: %s\n", w)
	}
	cfg, err := config.Parse(mode, args, os.Getenv, stderr)
	if errors.Is(err, config.ErrHelp) {
		return 0
	}
	if err != nil {
		return refuse(stderr, err)
	}
	log := server.NewLogger(stderr, cfg.LogLevel)
	s, err := server.Start(ctx, cfg, mode == "demo", log)
	if err != nil {
		return refuse(stderr, err)
	}
	defer s.App.Close()
	announce(stderr, mode, s)
	log.Info("listening", "url", scheme(cfg)+"://"+s.Listener.Addr().String(), "mode", mode, "store", stores.Kind(cfg.Store))
	if err := s.App.Serve(ctx, s.Listener, s.Handler); err != nil {
		log.Error("serving", "error", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// refuse reports a configuration or start that sessiond refuses, as one
// line, and returns exit status 2.
func refuse(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "sessiond: %s\n", oneLine(err.Error()))
	return 2
}

// oneLine joins the lines of a message, each line once: pgx, for one,
// reports a failed connection on a line of its own per attempt.
func oneLine(msg string) string {
	var out string
	var seen []string
	for line := range strings.Lines(msg) {
		line = strings.TrimSpace(line)
		if line == "" || slices.Contains(seen, line) {
			continue
		}
		seen = append(seen, line)
		switch {
		case out == "":
		case strings.HasSuffix(out, ":"):
			out += " "
		default:
			out += "; "
		}
		out += line
	}
	return out
}
