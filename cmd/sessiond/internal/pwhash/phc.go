package pwhash

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// ErrMalformedHash is returned for a password hash that is not an argon2id
// PHC string this package accepts.
var ErrMalformedHash = errors.New("pwhash: malformed argon2id hash")

// phcPrefix starts every hash: the algorithm and its version (0x13).
const phcPrefix = "$argon2id$v=19$"

// MaxEncodedLen bounds a PHC string: far above the longest valid one.
const MaxEncodedLen = 512

// b64 is the PHC encoding: standard base64 without padding, one encoding
// per value.
var b64 = base64.RawStdEncoding.Strict()

// hash is a decoded PHC string.
type hash struct {
	params Params
	salt   []byte
	key    []byte
}

// encode writes h as "$argon2id$v=19$m=M,t=T,p=P$SALT$KEY".
func (h hash) encode() string {
	return phcPrefix +
		"m=" + strconv.FormatUint(uint64(h.params.Memory), 10) +
		",t=" + strconv.FormatUint(uint64(h.params.Time), 10) +
		",p=" + strconv.FormatUint(uint64(h.params.Threads), 10) +
		"$" + b64.EncodeToString(h.salt) + "$" + b64.EncodeToString(h.key)
}

// parsePHC decodes an argon2id PHC string. It accepts exactly the form
// encode writes, with parameters, salt and key within bounds.
func parsePHC(s string) (hash, error) {
	rest, ok := strings.CutPrefix(s, phcPrefix)
	if !ok || len(s) > MaxEncodedLen {
		return hash{}, ErrMalformedHash
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return hash{}, ErrMalformedHash
	}
	var h hash
	var err error
	if h.params, err = parseParams(parts[0]); err != nil {
		return hash{}, err
	}
	if h.salt, err = decodeB64(parts[1]); err != nil {
		return hash{}, err
	}
	if h.key, err = decodeB64(parts[2]); err != nil {
		return hash{}, err
	}
	h.params.SaltLen, h.params.KeyLen = uint32(len(h.salt)), uint32(len(h.key))
	if !h.params.valid() {
		return hash{}, ErrMalformedHash
	}
	return h, nil
}

// decodeB64 decodes unpadded standard base64. It refuses every byte
// outside the alphabet, the line breaks the decoder would skip included.
func decodeB64(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, ErrMalformedHash
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, ErrMalformedHash
	}
	return b, nil
}

// parseParams decodes "m=M,t=T,p=P", in that order.
func parseParams(s string) (Params, error) {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return Params{}, ErrMalformedHash
	}
	var vals [3]uint32
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := parseField(fields[i], name)
		if !ok {
			return Params{}, ErrMalformedHash
		}
		vals[i] = v
	}
	if vals[2] > maxThreads {
		return Params{}, ErrMalformedHash
	}
	return Params{Memory: vals[0], Time: vals[1], Threads: uint8(vals[2])}, nil
}

// parseField decodes "name" followed by a decimal number without sign or
// leading zeros.
func parseField(s, name string) (uint32, bool) {
	digits, ok := strings.CutPrefix(s, name)
	if !ok || digits == "" || len(digits) > 10 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	v, err := strconv.ParseUint(digits, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(v), true
}

// ParamsOf returns the parameters of the PHC string encoded, or
// ErrMalformedHash when it is not one this package accepts.
func ParamsOf(encoded string) (Params, error) {
	h, err := parsePHC(encoded)
	return h.params, err
}
