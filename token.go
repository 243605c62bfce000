package sessiond

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
)

// tokenBytes is the entropy of a session token: 256 bits.
const tokenBytes = 32

// tokenLen is the length of a token as text: unpadded base64url of
// tokenBytes.
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// newToken reads a fresh token from r and returns it with its hash.
func newToken(r io.Reader) (string, Hash, error) {
	var b [tokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", Hash{}, fmt.Errorf("sessiond: reading randomness: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	return tok, sha256.Sum256([]byte(tok)), nil
}

// parseToken checks that s has the shape of a token this package issues and
// returns its hash. Anything else (wrong length, padding, characters outside
// base64url) is refused before any store is asked.
func parseToken(s string) (Hash, bool) {
	if len(s) != tokenLen {
		return Hash{}, false
	}
	var b [tokenBytes]byte
	if _, err := base64.RawURLEncoding.Strict().Decode(b[:], []byte(s)); err != nil {
		return Hash{}, false
	}
	return sha256.Sum256([]byte(s)), true
}

// newID returns a random public session id: 128 bits, base64url.
func newID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("sessiond: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
