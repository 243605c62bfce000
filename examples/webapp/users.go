package main

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the first choice of the OWASP Password Storage
// Cheat Sheet, 19 MiB of memory, 2 passes, 1 lane.
const (
	argonMemory = 19 * 1024 // KiB
	argonTime   = 2
	argonLanes  = 1
	argonKeyLen = 32
)

// Limits of names and passwords.
const (
	minName, maxName         = 3, 32
	minPassword, maxPassword = 8, 1024
)

// Errors of a sign-up or a password change that cannot be accepted.
var (
	errBadName     = errors.New("username malformed or taken")
	errBadPassword = errors.New("password too short or too long")
)

// user is an account.
type user struct {
	ID, Name  string
	salt, key []byte // key is argon2id(password, salt)
}

// nobody is checked against when a login names no account, so that it
// takes as long as one that does: the time does not tell which names exist.
var nobody = user{salt: make([]byte, 16)}

// users are the site's accounts, in memory. They are safe for concurrent
// use.
type users struct {
	mu   sync.Mutex
	byID map[string]user
	ids  map[string]string // name → id
}

// newUsers returns an empty set of accounts.
func newUsers() *users {
	return &users{byID: map[string]user{}, ids: map[string]string{}}
}

// add creates an account. Its id, not its name, is the sessions' user id.
func (us *users) add(name, password string) (user, error) {
	name = normalize(name)
	if len(name) < minName || len(name) > maxName || strings.ContainsFunc(name, notNameChar) {
		return user{}, errBadName
	}
	u := user{ID: rand.Text(), Name: name}
	if err := u.setPassword(password); err != nil {
		return user{}, err
	}
	us.mu.Lock()
	defer us.mu.Unlock()
	if _, taken := us.ids[name]; taken {
		return user{}, errBadName
	}
	us.ids[name], us.byID[u.ID] = u.ID, u
	return u, nil
}

// check returns the account called name if password is its password.
func (us *users) check(name, password string) (user, bool) {
	us.mu.Lock()
	u, found := us.byID[us.ids[name]]
	us.mu.Unlock()
	if !found {
		u = nobody
	}
	key := argon2.IDKey([]byte(password), u.salt, argonTime, argonMemory, argonLanes, argonKeyLen)
	return u, found && subtle.ConstantTimeCompare(key, u.key) == 1
}

// name returns the name of the account id.
func (us *users) name(id string) string {
	us.mu.Lock()
	defer us.mu.Unlock()
	return us.byID[id].Name
}

// setPassword replaces the password of the account id.
func (us *users) setPassword(id, password string) error {
	var fresh user
	if err := fresh.setPassword(password); err != nil {
		return err
	}
	us.mu.Lock()
	defer us.mu.Unlock()
	if u, ok := us.byID[id]; ok {
		u.salt, u.key = fresh.salt, fresh.key
		us.byID[id] = u
	}
	return nil
}

// setPassword hashes password under a new salt into u.
func (u *user) setPassword(password string) error {
	if len(password) < minPassword || len(password) > maxPassword {
		return errBadPassword
	}
	u.salt = make([]byte, 16)
	rand.Read(u.salt) // never fails: crypto/rand crashes the program instead
	u.key = argon2.IDKey([]byte(password), u.salt, argonTime, argonMemory, argonLanes, argonKeyLen)
	return nil
}

// normalize is the form of a name that logins and sign-ups compare.
func normalize(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// notNameChar reports the characters a name may not hold.
func notNameChar(c rune) bool {
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')
}
