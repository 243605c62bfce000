// Command sessiond is secure session management as a service: the session
// engine behind an authenticated HTTP/JSON API, with an admin UI, metrics
// and a demo site.
//
// Usage:
//
//	sessiond demo  [flags]   the whole system on one machine, with a demo site
//	sessiond serve [flags]   the service for production
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
	"syscall"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/operators"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/server"
)

const usage = `sessiond: secure session management

Usage:
  sessiond demo  [flags]   the whole system on one machine, with a demo site
  sessiond serve [flags]   the API and admin UI, for production
  sessiond admin create-user --username NAME [--data-dir DIR] [--generate]
                           add an operator account for the admin UI
  sessiond help            this text

Run "sessiond serve -h" for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// run executes a command and returns the exit status: 2 for a usage or
// configuration error, 1 for a failure while running.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve", "demo":
		return serve(ctx, args[0], args[1:], stderr)
	case "admin":
		return adminCommand(args[1:], stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stderr, usage)
		return 0
	}
	fmt.Fprintf(stderr, "sessiond: unknown command %q (try \"sessiond help\")\n", args[0])
	return 2
}

// serve runs the service (and in demo mode the demo site) until ctx ends.
func serve(ctx context.Context, mode string, args []string, stderr io.Writer) int {
	cfg, err := config.Parse(mode, args, os.Getenv, stderr)
	if errors.Is(err, config.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "sessiond: %v\n", err)
		return 2
	}
	log := server.NewLogger(stderr, cfg.LogLevel)
	app, err := server.Build(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "sessiond: %v\n", err)
		return 2
	}
	defer app.Close()
	ln, err := app.Listen()
	if err != nil {
		fmt.Fprintf(stderr, "sessiond: %v\n", err)
		return 2
	}
	if app.GeneratedKey != "" {
		fmt.Fprintf(stderr, "sessiond: generated API key (shown once, kept in %s): %s\n", cfg.APIKeyFile, app.GeneratedKey)
	} else if _, err := os.Stat(cfg.APIKeyFile); err == nil {
		fmt.Fprintf(stderr, "sessiond: API keys in %s\n", cfg.APIKeyFile)
	}
	scheme := "https"
	if cfg.InsecureHTTP {
		scheme = "http"
	}
	sites, operator, password, err := app.Sites(mode == "demo")
	if err != nil {
		fmt.Fprintf(stderr, "sessiond: %v\n", err)
		return 2
	}
	if password != "" {
		fmt.Fprintf(stderr, "sessiond: created operator %q for the admin UI (password shown once): %s\n", operator, password)
	}
	base := scheme + "://" + displayAddr(ln.Addr().String())
	fmt.Fprintf(stderr, "sessiond: admin UI at %s/admin/ (more operators: sessiond admin create-user --username NAME)\n", base)
	if mode == "demo" {
		fmt.Fprintf(stderr, "sessiond: demo site at %s/ (the certificate is self-signed: accept it in your browser)\n", base)
	}
	log.Info("listening", "url", scheme+"://"+ln.Addr().String(), "mode", mode, "store", storeKind(cfg.Store))
	if err := app.Serve(ctx, ln, app.Handler(sites)); err != nil {
		log.Error("serving", "error", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// adminCommand runs "sessiond admin SUBCOMMAND".
func adminCommand(args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create-user" {
		fmt.Fprintln(stderr, `sessiond admin: want "create-user" (sessiond admin create-user --username NAME)`)
		return 2
	}
	return operators.CreateUserCommand(args[1:], os.Stdin, os.Stdout, stderr)
}
