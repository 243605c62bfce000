package throttle

import "errors"

// The errors [Throttle.Begin] refuses an attempt with. None of them is
// meant for the user: answer 429 with a generic message whichever it is,
// so that a guesser learns nothing about the account.
var (
	// ErrBackoff is returned when this client has failed too often in a
	// row for this account and must wait before its next attempt.
	ErrBackoff = errors.New("throttle: too many consecutive failed logins; wait before the next attempt")
	// ErrAccountLocked is returned when the account has had too many
	// failures in the account window and the browser has never signed in
	// to it. Browsers that have are not refused.
	ErrAccountLocked = errors.New("throttle: too many failed logins for the account from unknown browsers")
	// ErrClientLimited is returned when the client address has had too
	// many failures, for all accounts together, in the client window, and
	// the browser has never signed in to the account it tries.
	ErrClientLimited = errors.New("throttle: too many failed logins from the client address")
)
