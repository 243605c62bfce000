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

// adminUsage is the help of "sessiond admin".
const adminUsage = `Usage: sessiond admin COMMAND [flags]

Manages the operators of the admin UI, kept in <data-dir>/operators. The
first start of sessiond makes one, "admin", and prints its password once.

Commands:
  create-user     --username NAME [--generate]   add an operator
  list-users                                     print the operators' names
  reset-password  --username NAME [--generate]   give an operator a new password
  delete-user     --username NAME                remove an operator

Every command takes --data-dir DIR (default $SESSIOND_DATA_DIR or
./sessiond-data). A new password is read from standard input (one line, at
least 12 characters; typed twice without echo on a terminal), or made at
random with --generate and printed once on standard output.

Lost the first password? sessiond admin reset-password --username admin
Run "sessiond admin COMMAND -h" for the help of one command.
`

// dataDirHelp describes --data-dir in every command's help.
const dataDirHelp = "  --data-dir DIR    the data directory (default $SESSIOND_DATA_DIR or ./sessiond-data)\n"

// passwordHelp describes where a new password comes from.
const passwordHelp = `The password is read from standard input (one line, at least 12
characters; typed twice without echo on a terminal), or made at random
with --generate and printed once.

  --username NAME   1 to 64 characters from a-z, A-Z, 0-9, '.', '_', '-'
` + dataDirHelp + `  --generate        make a random password and print it on standard output
`

// subcommands are the commands of "sessiond admin".
var subcommands = map[string]subcommand{
	"create-user": {runCreate, true, true, `Usage: sessiond admin create-user --username NAME [--data-dir DIR] [--generate]

Adds an operator of the admin UI to <data-dir>/operators. ` + passwordHelp},
	"reset-password": {runReset, true, true, `Usage: sessiond admin reset-password --username NAME [--data-dir DIR] [--generate]

Replaces the password of an operator of the admin UI, such as the first
password of "admin" shown once at the first start. The next login needs
the new password, and the operator's sessions already open in the admin
UI end at their next request. ` + passwordHelp},
	"list-users": {runList, false, false, `Usage: sessiond admin list-users [--data-dir DIR]

Prints the names of the operators of the admin UI, one per line.

` + dataDirHelp},
	"delete-user": {runDelete, true, false, `Usage: sessiond admin delete-user --username NAME [--data-dir DIR]

Removes an operator of the admin UI; their sessions end at their next
request. The last operator cannot be removed: create another first.

  --username NAME   the operator
` + dataDirHelp},
}

// subcommand is one command of "sessiond admin".
type subcommand struct {
	run      func(env, commandArgs) error
	username bool   // takes --username, which is required
	password bool   // sets a password: takes --generate, reads stdin otherwise
	usage    string // its help
}

// commandArgs are the parsed arguments of a command.
type commandArgs struct {
	username, dataDir string
	generate          bool
}

// env is what a command runs with.
type env struct {
	params         pwhash.Params
	stdin          io.Reader
	stdout, stderr io.Writer
}

// usageError is an error of the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Command runs "sessiond admin" with the arguments that follow "admin",
// and returns the exit status: 0 on success and for help (-h), 2 for a
// usage error (an unknown command, bad flags, an invalid username, a
// missing, short or mistyped password), 1 for any other failure (the
// username is taken or unknown, the file cannot be written). Every error
// is one line on stderr; a generated password, and the list of
// list-users, go to stdout.
func Command(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return command(pwhash.DefaultParams, os.Getenv, args, stdin, stdout, stderr)
}

// command is Command with the hash parameters and the environment given.
func command(p pwhash.Params, getenv func(string) string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, adminUsage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stderr, adminUsage)
		return 0
	}
	sub, ok := subcommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sessiond admin: unknown command %q (see sessiond admin -h)\n", args[0])
		return 2
	}
	a, err := sub.parse(args[0], args[1:], getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stderr, sub.usage)
		return 0
	}
	if err == nil {
		err = sub.run(env{p, stdin, stdout, stderr}, a)
	}
	return exitStatus("sessiond admin "+args[0]+": ", err, stderr)
}

// exitStatus reports err on stderr, after prefix, and returns the
// command's status.
func exitStatus(prefix string, err error, stderr io.Writer) int {
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "%s%s (see --help)\n", prefix, usage.msg)
		return 2
	}
	fmt.Fprintf(stderr, "%s%v\n", prefix, err)
	return 1
}

// parse reads the flags of the command name. --data-dir defaults to
// SESSIOND_DATA_DIR, then ./sessiond-data.
func (s subcommand) parse(name string, args []string, getenv func(string) string) (commandArgs, error) {
	var a commandArgs
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&a.dataDir, "data-dir", "", "")
	if s.username {
		fs.StringVar(&a.username, "username", "", "")
	}
	if s.password {
		fs.BoolVar(&a.generate, "generate", false, "")
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return a, err
	} else if err != nil {
		return a, usageError{err.Error()}
	}
	switch {
	case fs.NArg() > 0:
		return a, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case s.username && a.username == "":
		return a, usageError{"--username is required"}
	case s.username && !ValidUsername(a.username):
		return a, usageError{"--username must be 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'"}
	}
	a.dataDir = firstNonEmpty(a.dataDir, getenv("SESSIOND_DATA_DIR"), "./sessiond-data")
	return a, nil
}

// runCreate adds the operator, with a password from stdin or generated.
func runCreate(e env, a commandArgs) error {
	return e.writePassword(a, false, create, "created in")
}

// runReset replaces the operator's password with one from stdin or
// generated.
func runReset(e env, a commandArgs) error {
	return e.writePassword(a, true, setPassword, "has a new password in")
}

// writePassword checks that the operator exists or not, as exists says,
// then gets a password and has write put it in the file; done says what
// happened in the message that follows.
func (e env) writePassword(a commandArgs, exists bool, write func(pwhash.Params, string, string, string) error, done string) error {
	path := Path(a.dataDir)
	switch found, err := has(path, a.username); {
	case err != nil:
		return err
	case found && !exists:
		return fmt.Errorf("operator %q exists (for a new password: sessiond admin reset-password --username %s)", a.username, a.username)
	case !found && exists:
		return fmt.Errorf("no operator %q in %s", a.username, path)
	}
	password, err := e.newPassword(a)
	if err != nil {
		return err
	}
	if err := write(e.params, path, a.username, password); err != nil {
		return passwordError(err)
	}
	e.showGenerated(a, password)
	fmt.Fprintf(e.stderr, "sessiond: operator %q %s %s\n", a.username, done, path)
	return nil
}

// runList prints the operators' names on stdout.
func runList(e env, a commandArgs) error {
	path := Path(a.dataDir)
	accounts, err := readAccounts(path)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		fmt.Fprintf(e.stderr, "sessiond: no operator in %s (the next start of sessiond makes %q)\n", path, FirstUsername)
	}
	for _, acc := range accounts {
		fmt.Fprintln(e.stdout, acc.name)
	}
	return nil
}

// runDelete removes the operator.
func runDelete(e env, a commandArgs) error {
	path := Path(a.dataDir)
	switch err := deleteAccount(path, a.username); {
	case errors.Is(err, ErrNotFound):
		return fmt.Errorf("no operator %q in %s", a.username, path)
	case errors.Is(err, ErrLastOperator):
		return fmt.Errorf("operator %q is the last one: create another first (sessiond admin create-user)", a.username)
	case err != nil:
		return err
	}
	fmt.Fprintf(e.stderr, "sessiond: operator %q deleted from %s\n", a.username, path)
	return nil
}

// has reports whether the file at path has an operator username, before
// a password is asked for.
func has(path, username string) (bool, error) {
	accounts, err := readAccounts(path)
	_, found := find(accounts, username)
	return found, err
}

// newPassword makes a random password with --generate, and otherwise
// reads it from stdin.
func (e env) newPassword(a commandArgs) (string, error) {
	if a.generate {
		return rand.Text(), nil
	}
	return readPassword(e.stdin, e.stderr, a.username)
}

// showGenerated prints a generated password once, alone on stdout.
func (e env) showGenerated(a commandArgs, password string) {
	if a.generate {
		fmt.Fprintf(e.stderr, "sessiond: generated password of operator %q (shown once):\n", a.username)
		fmt.Fprintln(e.stdout, password)
	}
}

// passwordError turns a refused password into a usage error.
func passwordError(err error) error {
	switch {
	case errors.Is(err, ErrShortPassword):
		return usageError{fmt.Sprintf("the password must be at least %d characters", MinPasswordLen)}
	case errors.Is(err, pwhash.ErrTooLong):
		return usageError{fmt.Sprintf("the password must be at most %d bytes", pwhash.MaxLen)}
	}
	return err
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
