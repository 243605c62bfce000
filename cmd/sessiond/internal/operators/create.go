package operators

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// FirstUsername is the account EnsureFirst makes.
const FirstUsername = "admin"

// ErrExists is returned by Create when the username is taken.
var ErrExists = errors.New("operators: an operator with that username exists")

// fileHeader starts a new operators file.
const fileHeader = "# sessiond operators, one per line: username:argon2id hash\n"

// Create adds an operator to the file at path, creating the file (mode
// 0600) and its directory (0700) if needed. It refuses an invalid
// username (ErrBadUsername), a taken one (ErrExists), a password shorter
// than MinPasswordLen or longer than pwhash.MaxLen, and a malformed file,
// which it leaves alone.
func Create(path, username, password string) error {
	return create(pwhash.DefaultParams, path, username, password)
}

// create is Create with the given hash parameters.
func create(p pwhash.Params, path, username, password string) error {
	accounts, err := readAccounts(path)
	if err != nil {
		return err
	}
	if _, found := find(accounts, username); found {
		return ErrExists
	}
	line, err := accountLine(p, username, password)
	if err != nil {
		return err
	}
	return appendLine(path, line)
}

// EnsureFirst makes the account "admin" with a random password when the
// file at path holds no account, and returns them for the caller to show
// once; created is false, and the strings empty, when there was an account
// already.
func EnsureFirst(path string) (username, password string, created bool, err error) {
	return ensureFirst(pwhash.DefaultParams, path)
}

// ensureFirst is EnsureFirst with the given hash parameters.
func ensureFirst(p pwhash.Params, path string) (string, string, bool, error) {
	accounts, err := readAccounts(path)
	if err != nil || len(accounts) > 0 {
		return "", "", false, err
	}
	password := rand.Text()
	if err := create(p, path, FirstUsername, password); err != nil {
		return "", "", false, err
	}
	return FirstUsername, password, true, nil
}

// appendLine writes the file at path with line added, replacing it
// atomically so that a reader never sees half a file.
func appendLine(path, line string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("operators: reading %s: %w", path, err)
	}
	content := string(old)
	if content == "" {
		content = fileHeader
	} else if !strings.HasSuffix(content, "\n") {
		content += "\n"
	}
	return writeAtomic(path, []byte(content+line))
}

// writeAtomic writes data to a temporary file (mode 0600) in path's
// directory, syncs it and renames it over path.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("operators: creating %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".operators-*")
	if err != nil {
		return fmt.Errorf("operators: writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := writeSync(tmp, data); err != nil {
		return fmt.Errorf("operators: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("operators: writing %s: %w", path, err)
	}
	return nil
}

// writeSync writes data to f with mode 0600, syncs and closes it.
func writeSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	err = errors.Join(err, f.Chmod(0o600), f.Sync())
	return errors.Join(err, f.Close())
}
