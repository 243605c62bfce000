package demo

import (
	"errors"
	"fmt"
)

// userRecord is a user as the directory's file keeps it: the TOTP secret
// sealed under the data-key ring and bound to the user's id, so that the
// file does not give the second factor away, and a sealed secret copied
// to another user's entry does not open.
type userRecord struct {
	User
	// TOTPSealed is the sealed TOTP secret (base64 in the file).
	TOTPSealed []byte `json:"totp_sealed,omitempty"`
	// PlainTOTPSecret is where files written before secrets were sealed
	// keep them. It is read, never written: OpenUsers rewrites such a
	// file sealed.
	PlainTOTPSecret string `json:"totp_secret,omitempty"`
}

// totpLabel starts the associated data of every sealed TOTP secret; the
// user's id follows it.
const totpLabel = "sessiond demo TOTP secret\x00"

// seal returns the record of user for the file.
func (u *Users) seal(user *User) (userRecord, error) {
	rec := userRecord{User: *user}
	if user.TOTPSecret == "" {
		return rec, nil
	}
	sealed, err := u.keys.Seal([]byte(user.TOTPSecret), []byte(totpLabel+user.ID))
	if err != nil {
		return userRecord{}, fmt.Errorf("sealing the TOTP secret of %q: %w", user.Name, err)
	}
	rec.TOTPSealed = sealed
	return rec, nil
}

// open returns the user of a record read from the file, with the TOTP
// secret opened, or taken as it is from a file of the plain format.
func (u *Users) open(rec userRecord) (*User, error) {
	user := rec.User
	switch {
	case rec.TOTPSealed != nil && rec.PlainTOTPSecret != "":
		return nil, fmt.Errorf("user %q: both a sealed and a plain TOTP secret", user.Name)
	case rec.TOTPSealed != nil:
		secret, err := u.keys.Open(rec.TOTPSealed, []byte(totpLabel+user.ID))
		if err != nil {
			return nil, fmt.Errorf("user %q: %w: %w", user.Name, errTOTPSealed, err)
		}
		user.TOTPSecret = string(secret)
	default:
		user.TOTPSecret = rec.PlainTOTPSecret
	}
	return &user, nil
}

// errTOTPSealed says what a sealed TOTP secret that does not open means,
// and what the operator can do.
var errTOTPSealed = errors.New("the TOTP secret does not open: it was altered, copied from another user, " +
	"or sealed under a data key no longer in the data-key file (restore that key, " +
	"or remove the user's totp_sealed to make them enrol again)")
