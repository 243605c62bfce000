package operators

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

// File checks operators' passwords against an operators file. It reads the
// file on every call, so accounts added or removed apply at once. It is
// safe for concurrent use.
type File struct {
	path string
	// check is pwhash.Check; tests count its calls.
	check func(encoded, password string) (bool, error)

	mu      sync.Mutex
	dummies map[pwhash.Params]string
}

// NewFile returns a File for the operators file at path (see [Path]).
func NewFile(path string) *File {
	return &File{path: path, check: pwhash.Check, dummies: map[pwhash.Params]string{}}
}

// Verify reports whether username names an operator whose password is
// password. An unknown or invalid username costs as much as a wrong
// password: a dummy hash with the parameters of the file's first account
// is checked instead. An error means the file could not be read or is
// malformed; no password is then accepted.
func (f *File) Verify(username, password string) (bool, error) {
	accounts, err := readAccounts(f.path)
	if err != nil {
		return false, err
	}
	a, found := find(accounts, username)
	encoded := a.phc
	if !found {
		if encoded, err = f.dummy(firstParams(accounts)); err != nil {
			return false, err
		}
	}
	ok, err := f.check(encoded, password)
	return ok && found, err
}

// Stamp returns a value that changes whenever username's password does,
// and reports whether username names an operator. It reports false when
// the file cannot be read or is malformed (fail closed). The stamp is a
// digest of the password's hash: it tells one hash from another and
// nothing else.
func (f *File) Stamp(username string) (string, bool) {
	accounts, err := readAccounts(f.path)
	if err != nil {
		return "", false
	}
	a, found := find(accounts, username)
	if !found {
		return "", false
	}
	sum := sha256.Sum256([]byte(a.phc))
	return hex.EncodeToString(sum[:16]), true
}

// dummy returns a hash of a random password under p, made once per p.
func (f *File) dummy(p pwhash.Params) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if h, ok := f.dummies[p]; ok {
		return h, nil
	}
	h, err := p.Hash(rand.Text())
	if err != nil {
		return "", err
	}
	f.dummies[p] = h
	return h, nil
}

// firstParams returns the parameters of the first account, or
// pwhash.DefaultParams when there is none.
func firstParams(accounts []account) pwhash.Params {
	if len(accounts) == 0 {
		return pwhash.DefaultParams
	}
	return accounts[0].params
}
