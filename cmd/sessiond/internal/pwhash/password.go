// Package pwhash hashes passwords with argon2id and checks them in
// constant time. A hash is a PHC string that keeps its own parameters:
//
//	$argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>
//
// [DefaultParams] are 64 MiB of memory, 3 passes and 2 lanes, with a
// 16-byte salt and a 32-byte key: above the OWASP Password Storage Cheat
// Sheet's minimum for argon2id. Parameters can grow without invalidating
// old hashes. At most min(GOMAXPROCS, 4) hashes are computed at once, so a
// flood of logins cannot take more than 256 MiB.
package pwhash

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"runtime"

	"golang.org/x/crypto/argon2"
)

// MaxLen is the longest password accepted or checked, in bytes.
const MaxLen = 1024

// ErrTooLong is returned when a new password is longer than MaxLen bytes.
var ErrTooLong = errors.New("pwhash: at most 1024 bytes")

// hashSlots bounds how many hashes are computed at once, and so their
// memory: one per CPU, at most 4.
var hashSlots = make(chan struct{}, min(runtime.GOMAXPROCS(0), 4))

// derive computes argon2id of password under salt and p, waiting for a
// free slot first.
func derive(password string, salt []byte, p Params) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// Hash hashes password with p and a random salt, and returns the PHC
// string. It returns ErrBadParams for parameters out of bounds and
// ErrTooLong for a password over MaxLen bytes.
func (p Params) Hash(password string) (string, error) {
	if !p.valid() {
		return "", ErrBadParams
	}
	if len(password) > MaxLen {
		return "", ErrTooLong
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return hash{params: p, salt: salt, key: derive(password, salt, p)}.encode(), nil
}

// Hash hashes password with DefaultParams.
func Hash(password string) (string, error) {
	return DefaultParams.Hash(password)
}

// Check reports whether password matches the PHC string encoded,
// comparing in constant time. It returns ErrMalformedHash when encoded is
// not an argon2id hash within bounds. A password over MaxLen bytes never
// matches, but costs as much as any other.
func Check(encoded, password string) (bool, error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	tooLong := len(password) > MaxLen
	if tooLong {
		password = password[:MaxLen]
	}
	got := derive(password, h.salt, h.params)
	return subtle.ConstantTimeCompare(got, h.key) == 1 && !tooLong, nil
}

// CheckNobody spends the time of checking password against a hash made
// with p, and reports false: call it when the account does not exist, so
// that the answer takes as long as for one that does.
func (p Params) CheckNobody(password string) bool {
	if p.valid() {
		derive(password[:min(len(password), MaxLen)], make([]byte, p.SaltLen), p)
	}
	return false
}
