package csrf

import (
	"crypto/subtle"
	"encoding/base64"
	"io"
)

// maskedLen is the length of a token as sent: unpadded base64url of a
// 32-byte mask followed by the 32-byte token XOR the mask.
var maskedLen = base64.RawURLEncoding.EncodedLen(2 * macSize)

// strict decodes unpadded base64url and refuses stray bits in the last
// character, so one token has exactly one text.
var strict = base64.RawURLEncoding.Strict()

// Domain labels of the two kinds of binding. Neither is a prefix of the
// other, so no session id and pre-session id give the same message.
const (
	sessionLabel    = "csrf\x00session\x00"
	preSessionLabel = "csrf\x00pre-session\x00"
)

// mask returns t hidden under a fresh one-time pad read from rnd:
// base64url(M || M XOR t). Every response thus carries different bytes
// for the same token, so compression (BREACH) cannot recover it.
func mask(t *[macSize]byte, rnd io.Reader) (string, error) {
	b := make([]byte, 2*macSize+maskedLen) // pad, masked token, then text
	if _, err := io.ReadFull(rnd, b[:macSize]); err != nil {
		return "", err
	}
	subtle.XORBytes(b[macSize:2*macSize], b[:macSize], t[:])
	base64.RawURLEncoding.Encode(b[2*macSize:], b[:2*macSize])
	return string(b[2*macSize:]), nil
}

// unmask parses a masked token and returns the token under the pad. It
// refuses anything but the exact shape mask produces.
func unmask(s string) ([macSize]byte, bool) {
	var b [2 * macSize]byte
	var t [macSize]byte
	if len(s) != maskedLen {
		return t, false
	}
	if n, err := strict.Decode(b[:], []byte(s)); err != nil || n != len(b) {
		return t, false
	}
	subtle.XORBytes(t[:], b[:macSize], b[macSize:])
	return t, true
}

// matches reports in constant time whether the masked token s carries
// want.
func matches(s string, want *[macSize]byte) bool {
	t, ok := unmask(s)
	return ok && subtle.ConstantTimeCompare(t[:], want[:]) == 1
}
