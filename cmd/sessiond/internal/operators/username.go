package operators

import "errors"

// MaxUsernameLen is the longest username.
const MaxUsernameLen = 64

// ErrBadUsername is returned for a username that ValidUsername refuses.
var ErrBadUsername = errors.New("operators: a username is 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'")

// ValidUsername reports whether name is 1 to 64 characters, each an ASCII
// letter, digit, '.', '_' or '-'.
func ValidUsername(name string) bool {
	if name == "" || len(name) > MaxUsernameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !usernameByte(name[i]) {
			return false
		}
	}
	return true
}

// usernameByte reports whether c may appear in a username.
func usernameByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '.' || c == '_' || c == '-'
}
