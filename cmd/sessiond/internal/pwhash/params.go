package pwhash

import "errors"

// Params are the cost parameters of an argon2id hash.
type Params struct {
	// Memory is the memory used, in KiB.
	Memory uint32
	// Time is the number of passes over the memory.
	Time uint32
	// Threads is the number of lanes, computed in parallel.
	Threads uint8
	// SaltLen is the length of the random salt, in bytes.
	SaltLen uint32
	// KeyLen is the length of the derived key, in bytes.
	KeyLen uint32
}

// DefaultParams are the parameters of every new hash: 64 MiB, 3 passes,
// 2 lanes, a 16-byte salt and a 32-byte key (see the package doc).
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// Bounds of the parameters a hash may have. They keep a damaged or hostile
// file from making one check take gigabytes or minutes.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 16
	maxThreads = 16
	minSalt    = 8
	maxSalt    = 64
	minKey     = 16
	maxKey     = 64
)

// ErrBadParams is returned by [Params.Hash] for parameters outside the
// bounds argon2id and this package accept.
var ErrBadParams = errors.New("pwhash: argon2id parameters out of bounds")

// valid reports whether p is within the accepted bounds.
func (p Params) valid() bool {
	return p.Threads >= 1 && p.Threads <= maxThreads &&
		p.Memory >= 8*uint32(p.Threads) && p.Memory <= maxMemory &&
		p.Time >= 1 && p.Time <= maxTime &&
		p.SaltLen >= minSalt && p.SaltLen <= maxSalt &&
		p.KeyLen >= minKey && p.KeyLen <= maxKey
}
