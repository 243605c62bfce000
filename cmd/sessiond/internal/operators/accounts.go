package operators

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// FileName is the name of the operators file in the data directory.
const FileName = "operators"

// maxLineLen bounds a line of the file.
const maxLineLen = MaxUsernameLen + 1 + pwhash.MaxEncodedLen

// ErrMalformed is returned, wrapped with the line number, for a file with
// a line that is neither an account, a comment nor blank, or with one
// username twice. The line itself is never repeated: it holds a hash.
var ErrMalformed = errors.New("operators: malformed operators file")

// Path returns the operators file of a data directory.
func Path(dataDir string) string {
	return filepath.Join(dataDir, FileName)
}

// account is one line of the file.
type account struct {
	name   string
	params pwhash.Params
	phc    string
}

// readAccounts reads the accounts of path. A missing file holds none.
func readAccounts(path string) ([]account, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("operators: reading %s: %w", path, err)
	}
	return parseAccounts(data)
}

// parseAccounts decodes the content of an operators file.
func parseAccounts(data []byte) ([]account, error) {
	var accounts []account
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxLineLen+2)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		a, ok := parseAccount(line)
		if !ok || seen[a.name] {
			return nil, fmt.Errorf("%w: line %d", ErrMalformed, n)
		}
		seen[a.name] = true
		accounts = append(accounts, a)
	}
	if sc.Err() != nil {
		return nil, fmt.Errorf("%w: a line is too long", ErrMalformed)
	}
	return accounts, nil
}

// parseAccount decodes "username:PHC".
func parseAccount(line string) (account, bool) {
	name, phc, ok := strings.Cut(line, ":")
	if !ok || !ValidUsername(name) {
		return account{}, false
	}
	params, err := pwhash.ParamsOf(phc)
	if err != nil {
		return account{}, false
	}
	return account{name: name, params: params, phc: phc}, true
}

// find returns the account named name.
func find(accounts []account, name string) (account, bool) {
	for _, a := range accounts {
		if a.name == name {
			return a, true
		}
	}
	return account{}, false
}
