// Package password hashes passwords with argon2id and checks them in
// constant time. Hashes are PHC strings:
//
//	$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>
//
// The parameters follow the OWASP Password Storage Cheat Sheet (64 MiB of
// memory, 3 passes, 2 lanes; 16-byte salt, 32-byte hash); a hash keeps its
// own parameters, so they can grow without invalidating old hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Default parameters of new hashes.
const (
	DefaultMemory = 64 * 1024 // KiB
	DefaultPasses = 3
	DefaultLanes  = 2
	saltLen       = 16
	keyLen        = 32
)

// Hasher makes hashes with its parameters; the zero value uses the
// defaults. Cheaper parameters are for tests only.
type Hasher struct {
	Memory uint32 // KiB
	Passes uint32
	Lanes  uint8
}

// params returns h with zero fields set to the defaults.
func (h Hasher) params() Hasher {
	if h.Memory == 0 {
		h.Memory = DefaultMemory
	}
	if h.Passes == 0 {
		h.Passes = DefaultPasses
	}
	if h.Lanes == 0 {
		h.Lanes = DefaultLanes
	}
	return h
}

// Bounds on what a stored hash may ask for, so that a corrupt or hostile
// hash cannot exhaust the machine.
const (
	maxMemory = 1024 * 1024 // 1 GiB
	maxPasses = 10
	maxLanes  = 16
)

// ErrMalformed is returned by Verify for a hash it cannot read.
var ErrMalformed = errors.New("password: malformed hash")

// b64 is the PHC encoding: standard base64 without padding.
var b64 = base64.RawStdEncoding

// Hash returns the argon2id PHC string of password with a fresh salt.
func (h Hasher) Hash(password string) string {
	h = h.params()
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, h.Passes, h.Memory, h.Lanes, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.Memory, h.Passes, h.Lanes, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Hash is Hasher{}.Hash: a hash with the default parameters.
func Hash(password string) string { return Hasher{}.Hash(password) }

// Verify reports whether password matches hash, comparing in constant
// time.
func Verify(hash, password string) (bool, error) {
	p, err := parse(hash)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), p.salt, p.passes, p.memory, p.lanes, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// VerifyNobody spends the time of verifying a hash made by h and reports
// false: call it when the account does not exist, so that timing does not
// tell.
func (h Hasher) VerifyNobody(password string) bool {
	h = h.params()
	salt := make([]byte, saltLen)
	argon2.IDKey([]byte(password), salt, h.Passes, h.Memory, h.Lanes, keyLen)
	return false
}

// params are a hash's parts.
type params struct {
	memory, passes uint32
	lanes          uint8
	salt, key      []byte
}

// parse reads a PHC argon2id string.
func parse(hash string) (params, error) {
	var p params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, ErrMalformed
	}
	var lanes uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.passes, &lanes); err != nil ||
		fmt.Sprintf("m=%d,t=%d,p=%d", p.memory, p.passes, lanes) != parts[3] {
		return p, ErrMalformed
	}
	if p.memory < 8*lanes || p.memory > maxMemory || p.passes < 1 || p.passes > maxPasses || lanes < 1 || lanes > maxLanes {
		return p, ErrMalformed
	}
	p.lanes = uint8(lanes)
	var err1, err2 error
	p.salt, err1 = b64.DecodeString(parts[4])
	p.key, err2 = b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(p.salt) < 8 || len(p.key) < 16 || len(p.key) > 64 {
		return p, ErrMalformed
	}
	return p, nil
}
