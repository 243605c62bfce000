package csrf

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
)

// macSize is the size of every MAC and of the unmasked token: 256 bits.
const macSize = sha256.Size

// macer computes HMAC-SHA256 under one key. Keyed hash states are pooled,
// with a scratch buffer each: keying a state costs two SHA-256 blocks,
// as much as the message itself, and the pool keeps the hot path free of
// allocations.
type macer struct {
	pool sync.Pool // of *macState
}

// macState is a keyed HMAC and the buffers it works in.
type macState struct {
	h   hash.Hash
	msg []byte
	out [macSize]byte
}

// newMacer returns a macer whose key is derived from key for one purpose
// (HMAC(key, purpose)), so the token and the cookie MACs never share a key
// and neither can stand in for the other.
func newMacer(key []byte, purpose string) *macer {
	d := hmac.New(sha256.New, key)
	d.Write([]byte(purpose))
	sub := d.Sum(nil)
	return &macer{pool: sync.Pool{New: func() any {
		return &macState{h: hmac.New(sha256.New, sub)}
	}}}
}

// sum returns the MAC of a || b.
func (m *macer) sum(a, b string) [macSize]byte {
	s := m.pool.Get().(*macState)
	defer m.pool.Put(s)
	s.msg = append(append(s.msg[:0], a...), b...)
	s.h.Reset()
	s.h.Write(s.msg)
	s.h.Sum(s.out[:0])
	if cap(s.msg) > 1024 {
		s.msg = nil // an outsized id is not kept for the pool's lifetime
	}
	return s.out
}
