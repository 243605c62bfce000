package sessiond

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
)

func testKey(id uint32) Key {
	return Key{ID: id, Secret: bytes.Repeat([]byte{byte(id + 1)}, 32)}
}

func TestKeyRing_RotationKeepsOldPayloadsReadable(t *testing.T) {
	oldRing, _ := NewKeyRing([]Key{testKey(1)})
	sealed, err := oldRing.seal(rand.Reader, []byte(`{"a":1}`), []byte("sid"))
	if err != nil {
		t.Fatal(err)
	}
	// Add a new primary key: payloads of the old key still open.
	rotated, _ := NewKeyRing([]Key{testKey(2), testKey(1)})
	if plain, err := rotated.Open(sealed, []byte("sid")); err != nil || string(plain) != `{"a":1}` {
		t.Fatalf("open after adding a key = %q, %v", plain, err)
	}
	resealed, _ := rotated.seal(rand.Reader, []byte("x"), []byte("sid"))
	// Retire the old key: new payloads still open, old ones do not.
	retired, _ := NewKeyRing([]Key{testKey(2)})
	if _, err := retired.Open(resealed, []byte("sid")); err != nil {
		t.Errorf("payload of the new key after retiring the old: %v", err)
	}
	if _, err := retired.Open(sealed, []byte("sid")); !errors.Is(err, ErrSealed) {
		t.Errorf("payload of a retired key = %v, want ErrSealed", err)
	}
}

func TestKeyRing_BoundToSessionID(t *testing.T) {
	kr, _ := NewKeyRing([]Key{testKey(1)})
	sealed, _ := kr.seal(rand.Reader, []byte("secret"), []byte("session-a"))
	if _, err := kr.Open(sealed, []byte("session-b")); !errors.Is(err, ErrSealed) {
		t.Errorf("payload opened under another session id: %v", err)
	}
	for i := range sealed {
		tampered := bytes.Clone(sealed)
		tampered[i] ^= 1
		if _, err := kr.Open(tampered, []byte("session-a")); err == nil {
			t.Fatalf("payload with byte %d flipped opened", i)
		}
	}
}

func TestKeyRing_NoncesDiffer(t *testing.T) {
	kr, _ := NewKeyRing([]Key{testKey(1)})
	a, _ := kr.seal(rand.Reader, []byte("same"), []byte("id"))
	b, _ := kr.seal(rand.Reader, []byte("same"), []byte("id"))
	if bytes.Equal(a, b) {
		t.Errorf("two seals of the same data are identical")
	}
}

// An application seals a secret of its own under the session keys, bound
// to its owner: copied to another user, it does not open.
func ExampleKeyRing_Seal() {
	ring, err := NewKeyRing([]Key{{ID: 1, Secret: bytes.Repeat([]byte{7}, 32)}})
	if err != nil {
		panic(err)
	}
	sealed, err := ring.Seal([]byte("JBSWY3DPEHPK3PXP"), []byte("app totp secret\x00user-42"))
	if err != nil {
		panic(err)
	}
	plain, err := ring.Open(sealed, []byte("app totp secret\x00user-42"))
	fmt.Println(string(plain), err)
	_, err = ring.Open(sealed, []byte("app totp secret\x00user-43"))
	fmt.Println(err)
	// Output:
	// JBSWY3DPEHPK3PXP <nil>
	// sessiond: sealed data cannot be opened
}
