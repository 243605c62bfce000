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
// base64url, stray bits in the last character) is refused before any store
// is asked. It allocates nothing: it runs on every request.
func parseToken(s string) (Hash, bool) {
	if len(s) != tokenLen {
		return Hash{}, false
	}
	for i := 0; i < len(s); i++ {
		if base64URLValue[s[i]] < 0 {
			return Hash{}, false
		}
	}
	// 43 characters carry 258 bits: the last character's two low bits
	// are padding and must be zero, or two texts would name one token.
	if base64URLValue[s[len(s)-1]]&3 != 0 {
		return Hash{}, false
	}
	var text [43]byte
	copy(text[:], s)
	return sha256.Sum256(text[:]), true
}

// base64URLValue maps a byte to its value in the base64url alphabet, or -1.
var base64URLValue = func() (t [256]int8) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range t {
		t[i] = -1
	}
	for i := range len(alphabet) {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// newID returns a random public session id: 128 bits, base64url.
func newID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("sessiond: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
