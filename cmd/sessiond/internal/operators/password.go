package operators

import "errors"

// MinPasswordLen is the shortest password accepted for an operator.
const MinPasswordLen = 12

// ErrShortPassword is returned when a new password is shorter than
// MinPasswordLen.
var ErrShortPassword = errors.New("operators: password must be at least 12 characters")
