package operators

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// ErrNotFound is returned when no operator has the username given.
var ErrNotFound = errors.New("operators: no operator with that username")

// ErrLastOperator is returned when deleting the only operator, which
// would leave the admin UI with nobody to sign in.
var ErrLastOperator = errors.New("operators: the last operator cannot be deleted")

// setPassword gives the operator username of the file at path a new
// password, hashed with p. It refuses what create refuses of a password,
// an unknown username (ErrNotFound) and a malformed file.
func setPassword(p pwhash.Params, path, username, password string) error {
	line, err := accountLine(p, username, password)
	if err != nil {
		return err
	}
	return replaceAccount(path, username, line)
}

// deleteAccount removes the operator username from the file at path. It
// refuses an unknown username (ErrNotFound), the only operator
// (ErrLastOperator) and a malformed file.
func deleteAccount(path, username string) error {
	return replaceAccount(path, username, "")
}

// accountLine hashes password with p and returns the file's line of
// username, refusing an invalid username and a password too short or too
// long.
func accountLine(p pwhash.Params, username, password string) (string, error) {
	if !ValidUsername(username) {
		return "", ErrBadUsername
	}
	if len(password) < MinPasswordLen {
		return "", ErrShortPassword
	}
	phc, err := p.Hash(password)
	if err != nil {
		return "", err
	}
	return username + ":" + phc + "\n", nil
}

// replaceAccount rewrites the file at path with the line of username
// replaced by line, or removed when line is empty; comments and the other
// accounts stay as they are.
func replaceAccount(path, username, line string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("operators: reading %s: %w", path, err)
	}
	accounts, err := parseAccounts(data)
	if err != nil {
		return err
	}
	if _, found := find(accounts, username); !found {
		return ErrNotFound
	}
	if line == "" && len(accounts) == 1 {
		return ErrLastOperator
	}
	var out strings.Builder
	for l := range strings.Lines(string(data)) {
		if a, ok := parseAccount(strings.TrimSpace(l)); ok && a.name == username {
			l = line
		}
		out.WriteString(l)
	}
	return writeAtomic(path, []byte(out.String()))
}
