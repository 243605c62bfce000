package demo

import (
	"crypto/subtle"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// totpPeriod is the life of one code.
const totpPeriod = 30

// totpOpts are the code parameters every authenticator app understands.
var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// checkTOTP checks code against secret at now, allowing one step of clock
// drift either way, and refuses a step at or before lastStep: a code is
// good once (RFC 6238 §5.2). It returns the step the code belongs to.
func checkTOTP(secret, code string, lastStep int64, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && s > lastStep && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// newTOTPKey makes a secret for user, as an otpauth:// URI.
func newTOTPKey(user string) (string, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "sessiond demo", AccountName: user})
	if err != nil {
		return "", err
	}
	return key.URL(), nil
}

// setupKey is the secret of the otpauth:// URI uri in groups of four, to
// type into an authenticator app by hand; "" when uri holds none.
func setupKey(uri string) string {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return ""
	}
	secret := key.Secret()
	groups := make([]string, 0, len(secret)/4+1)
	for len(secret) > 4 {
		groups, secret = append(groups, secret[:4]), secret[4:]
	}
	return strings.Join(append(groups, secret), " ")
}
