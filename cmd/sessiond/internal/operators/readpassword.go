package operators

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
	"golang.org/x/term"
)

// readPassword reads the new password: typed twice without echo when
// stdin is a terminal, otherwise the first line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer, username string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptPassword(int(f.Fd()), stderr, username)
	}
	return readLine(stdin)
}

// readLine returns the first line of r, without its line ending. It reads
// at most pwhash.MaxLen+2 bytes.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, pwhash.MaxLen+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", usageError{"no password on standard input (give one line, or use --generate)"}
	}
	return line, nil
}

// promptPassword asks for the password twice on the terminal fd.
func promptPassword(fd int, stderr io.Writer, username string) (string, error) {
	fmt.Fprintf(stderr, "Password for operator %q (at least %d characters): ", username, MinPasswordLen)
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	fmt.Fprint(stderr, "Repeat it: ")
	second, err := term.ReadPassword(fd)
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	if !bytes.Equal(first, second) {
		return "", usageError{"the passwords do not match"}
	}
	if len(first) == 0 {
		return "", usageError{"no password given (or use --generate)"}
	}
	return string(first), nil
}
