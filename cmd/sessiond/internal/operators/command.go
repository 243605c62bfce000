package operators

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// createUsage is the help of "sessiond admin create-user".
const createUsage = `Usage: sessiond admin create-user --username NAME [--data-dir DIR] [--generate]

Adds an operator of the admin UI to <data-dir>/operators. The password is
read from standard input (one line, at least 12 characters; typed without
echo on a terminal), or made at random with --generate and printed once.

  --username NAME   1 to 64 characters from a-z, A-Z, 0-9, '.', '_', '-'
  --data-dir DIR    the data directory (default $SESSIOND_DATA_DIR or ./sessiond-data)
  --generate        make a random password and print it on standard output
`

// cmdPrefix starts every message of the command.
const cmdPrefix = "sessiond admin create-user: "

// createArgs are the parsed arguments of create-user.
type createArgs struct {
	username, dataDir string
	generate          bool
}

// usageError is an error of the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// CreateUserCommand runs "sessiond admin create-user" with the arguments
// that follow "create-user", and returns the exit status: 0 on success, 2
// for a usage error (bad flags, an invalid username, a missing, short or
// mistyped password), 1 for any other failure (the username is taken, the
// file cannot be written). Every error is one line on stderr; a generated
// password is the one line on stdout.
func CreateUserCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return createUser(pwhash.DefaultParams, os.Getenv, args, stdin, stdout, stderr)
}

// createUser is CreateUserCommand with the hash parameters and the
// environment given.
func createUser(p pwhash.Params, getenv func(string) string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a, err := parseCreateArgs(args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stderr, createUsage)
		return 0
	}
	if err == nil {
		err = runCreate(p, a, stdin, stdout, stderr)
	}
	return exitStatus(err, stderr)
}

// exitStatus reports err on stderr and returns the command's status.
func exitStatus(err error, stderr io.Writer) int {
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "%s%s (see --help)\n", cmdPrefix, usage.msg)
		return 2
	}
	fmt.Fprintf(stderr, "%s%v\n", cmdPrefix, err)
	return 1
}

// parseCreateArgs reads the flags. --data-dir defaults to
// SESSIOND_DATA_DIR, then ./sessiond-data.
func parseCreateArgs(args []string, getenv func(string) string) (createArgs, error) {
	var a createArgs
	fs := flag.NewFlagSet("create-user", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&a.username, "username", "", "")
	fs.StringVar(&a.dataDir, "data-dir", "", "")
	fs.BoolVar(&a.generate, "generate", false, "")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return a, err
	} else if err != nil {
		return a, usageError{err.Error()}
	}
	switch {
	case fs.NArg() > 0:
		return a, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case a.username == "":
		return a, usageError{"--username is required"}
	case !ValidUsername(a.username):
		return a, usageError{"--username must be 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'"}
	}
	a.dataDir = firstNonEmpty(a.dataDir, getenv("SESSIOND_DATA_DIR"), "./sessiond-data")
	return a, nil
}

// runCreate gets the password and adds the operator.
func runCreate(p pwhash.Params, a createArgs, stdin io.Reader, stdout, stderr io.Writer) error {
	password := rand.Text()
	if !a.generate {
		var err error
		if password, err = readPassword(stdin, stderr, a.username); err != nil {
			return err
		}
	}
	path := Path(a.dataDir)
	switch err := create(p, path, a.username, password); {
	case errors.Is(err, ErrShortPassword):
		return usageError{fmt.Sprintf("the password must be at least %d characters", MinPasswordLen)}
	case errors.Is(err, pwhash.ErrTooLong):
		return usageError{fmt.Sprintf("the password must be at most %d bytes", pwhash.MaxLen)}
	case errors.Is(err, ErrExists):
		return fmt.Errorf("operator %q exists", a.username)
	case err != nil:
		return err
	}
	if a.generate {
		fmt.Fprintf(stderr, "sessiond: generated password of operator %q (shown once):\n", a.username)
		fmt.Fprintln(stdout, password)
	}
	fmt.Fprintf(stderr, "sessiond: operator %q created in %s\n", a.username, path)
	return nil
}

// firstNonEmpty returns the first of vals that is not empty.
func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
