package sessiond

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// Key is one key of the ring that seals session payloads at rest.
//
// To rotate keys, put the new key first (it seals from then on) and keep
// the old one after it (it still opens). Every write re-seals a session
// under the first key; retire the old key once Config.AbsoluteTimeout has
// passed, when every session it sealed has ended. Nobody is logged out.
type Key struct {
	// ID names the key inside every payload it sealed, so that payloads
	// sealed under an older key still open after a new one is added.
	ID uint32
	// Secret is the key itself: 32 bytes from a CSPRNG.
	Secret []byte
}

// ErrSealed is returned when a stored payload cannot be opened: it was
// altered, belongs to another session (was sealed with other associated
// data), or its key has left the ring.
var ErrSealed = errors.New("sessiond: sealed data cannot be opened")

// sealVersion is the first byte of every sealed payload.
const sealVersion = 1

// sealHeader is the version byte and the key id.
const sealHeader = 1 + 4

// KeyRing seals with its first key and opens with any of them. Payloads are
// XChaCha20-Poly1305, whose 192-bit random nonces never repeat in practice
// however many payloads one key seals. The Manager keeps session data in
// one; an application can seal its own secrets at rest in another made of
// the same keys (see [KeyRing.Seal]). It is immutable and safe for
// concurrent use.
type KeyRing struct {
	primary uint32
	aeads   map[uint32]cipher.AEAD
}

// NewKeyRing validates keys and builds the ring; keys[0] seals.
func NewKeyRing(keys []Key) (*KeyRing, error) {
	if len(keys) == 0 {
		return nil, errors.New("sessiond: no keys")
	}
	kr := &KeyRing{primary: keys[0].ID, aeads: make(map[uint32]cipher.AEAD, len(keys))}
	for _, k := range keys {
		if len(k.Secret) != chacha20poly1305.KeySize {
			return nil, fmt.Errorf("sessiond: key %d: secret must be %d bytes", k.ID, chacha20poly1305.KeySize)
		}
		if _, dup := kr.aeads[k.ID]; dup {
			return nil, fmt.Errorf("sessiond: key id %d appears twice", k.ID)
		}
		aead, err := chacha20poly1305.NewX(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("sessiond: key %d: %w", k.ID, err)
		}
		kr.aeads[k.ID] = aead
	}
	return kr, nil
}

// Seal encrypts plain under the ring's first key, bound to the associated
// data ad: only [KeyRing.Open] with the same ad opens it. The Manager's ad
// is the session id; give each other kind of secret an ad that starts
// with a label of its own and names its owner, so that a sealed value
// copied to another owner or passed off as another kind does not open.
func (kr *KeyRing) Seal(plain, ad []byte) ([]byte, error) {
	return kr.seal(rand.Reader, plain, ad)
}

// seal is Seal with the nonce read from rnd (the Manager's Config.Rand).
func (kr *KeyRing) seal(rnd io.Reader, plain, ad []byte) ([]byte, error) {
	aead := kr.aeads[kr.primary]
	out := make([]byte, sealHeader+aead.NonceSize(), sealHeader+aead.NonceSize()+len(plain)+aead.Overhead())
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:sealHeader], kr.primary)
	nonce := out[sealHeader:]
	if _, err := io.ReadFull(rnd, nonce); err != nil {
		return nil, fmt.Errorf("sessiond: reading randomness: %w", err)
	}
	return aead.Seal(out, nonce, plain, ad), nil
}

// Open decrypts a payload sealed by any key of the ring for the same ad. It
// returns [ErrSealed] for anything else.
func (kr *KeyRing) Open(sealed, ad []byte) ([]byte, error) {
	if len(sealed) < sealHeader || sealed[0] != sealVersion {
		return nil, ErrSealed
	}
	aead, ok := kr.aeads[binary.BigEndian.Uint32(sealed[1:sealHeader])]
	if !ok || len(sealed) < sealHeader+aead.NonceSize() {
		return nil, ErrSealed
	}
	nonce := sealed[sealHeader : sealHeader+aead.NonceSize()]
	plain, err := aead.Open(nil, nonce, sealed[sealHeader+aead.NonceSize():], ad)
	if err != nil {
		return nil, ErrSealed
	}
	return plain, nil
}
