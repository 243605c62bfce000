package demo

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessiond/sessiond"
)

// newTestKey returns a random data key.
func newTestKey(id uint32) sessiond.Key {
	secret := make([]byte, 32)
	rand.Read(secret)
	return sessiond.Key{ID: id, Secret: secret}
}

// newTestRing returns a data-key ring of keys, or of one random key.
func newTestRing(t *testing.T, keys ...sessiond.Key) *sessiond.KeyRing {
	t.Helper()
	if len(keys) == 0 {
		keys = []sessiond.Key{newTestKey(1)}
	}
	ring, err := sessiond.NewKeyRing(keys)
	if err != nil {
		t.Fatal(err)
	}
	return ring
}

// plainFixture is a user file as the demo wrote it before TOTP secrets
// were sealed: alice has two-step login with this secret, bob has not;
// both have testPassword.
const (
	plainFixture = "testdata/users-plain-totp.json"
	plainSecret  = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
)

// wantSealed fails the test if the user file at path holds secret in any
// form a reader could use: as base32 text, or as the key's bytes.
func wantSealed(t *testing.T, path, secret string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(secret, "="))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secret) || strings.Contains(string(data), string(key)) || strings.Contains(string(data), `"totp_secret"`) {
		t.Fatalf("the user file holds the TOTP secret in plain text:\n%s", data)
	}
	if !strings.Contains(string(data), `"totp_sealed"`) {
		t.Fatalf("the user file has no sealed TOTP secret:\n%s", data)
	}
}

// copyFixture copies the plain-format fixture to a file of the test's.
func copyFixture(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(plainFixture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUsers_TOTPSecretSealedAfterEnrolment(t *testing.T) {
	s := newTestSite(t)
	secret := mfaUser(t, s)
	wantSealed(t, s.users.path, secret)

	// The sealed secret still serves: reopened with the same ring, and
	// for the next login.
	again, err := OpenUsers(s.users.path, s.users.keys)
	if err != nil {
		t.Fatal(err)
	}
	if user, _ := again.ByName("alice"); user.TOTPSecret != secret {
		t.Errorf("reopened: got TOTP secret %q, want the enrolled one", user.TOTPSecret)
	}
	b := s.browser()
	wantRedirect(t, "password step", b.login("alice", testPassword), "/login/mfa")
	wantRedirect(t, "second step", b.secondStep(s.code(secret)), "/account")
	wantSealed(t, s.users.path, secret) // the login recorded the used step
}

func TestUsers_PlainFileMigrated(t *testing.T) {
	path := copyFixture(t)
	users, err := OpenUsers(path, newTestRing(t))
	if err != nil {
		t.Fatalf("opening a file of the plain format: %v", err)
	}
	wantSealed(t, path, plainSecret) // rewritten on load, before any change
	s := newTestSiteOf(t, users)
	s.nextStep()
	b := s.browser()
	wantRedirect(t, "alice's password step", b.login("alice", testPassword), "/login/mfa")
	wantRedirect(t, "alice's second step", b.secondStep(s.code(plainSecret)), "/account")
	s.browser().mustLogin("bob")
}

// TestUsers_SealedSecretDoesNotMove checks that a sealed TOTP secret that
// was altered, moved to another user's entry or sealed under a key that
// left the ring fails the load with an error that names the user, rather
// than letting anyone in without their second factor.
func TestUsers_SealedSecretDoesNotMove(t *testing.T) {
	ring := newTestRing(t)
	path := copyFixture(t)
	users, err := OpenUsers(path, ring)
	if err != nil {
		t.Fatal(err)
	}
	// Bob enrols too, so that both entries hold a sealed secret.
	bob, _ := users.ByName("bob")
	if err := users.Update(bob.ID, func(u *User) { u.TOTPSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" }); err != nil {
		t.Fatal(err)
	}
	sealed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		change func(alice, bob map[string]any)
		ring   *sessiond.KeyRing
		who    string
	}{
		"altered": {func(alice, _ map[string]any) {
			b, _ := base64.StdEncoding.DecodeString(alice["totp_sealed"].(string))
			b[len(b)-1] ^= 1
			alice["totp_sealed"] = b
		}, ring, "alice"},
		"moved to another user": {func(alice, bob map[string]any) {
			bob["totp_sealed"] = alice["totp_sealed"]
		}, ring, "bob"},
		"swapped": {func(alice, bob map[string]any) {
			alice["totp_sealed"], bob["totp_sealed"] = bob["totp_sealed"], alice["totp_sealed"]
		}, ring, ""},
		"key left the ring": {func(map[string]any, map[string]any) {}, newTestRing(t), ""},
	} {
		t.Run(name, func(t *testing.T) {
			var list []map[string]any
			if err := json.Unmarshal(sealed, &list); err != nil {
				t.Fatal(err)
			}
			byName := map[string]map[string]any{}
			for _, u := range list {
				byName[u["name"].(string)] = u
			}
			c.change(byName["alice"], byName["bob"])
			data, _ := json.Marshal(list)
			file := filepath.Join(t.TempDir(), "users.json")
			if err := os.WriteFile(file, data, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := OpenUsers(file, c.ring)
			if got != nil || !errors.Is(err, sessiond.ErrSealed) || !strings.Contains(err.Error(), "TOTP secret does not open") {
				t.Fatalf("got %v, %v; want no directory and an error that the TOTP secret does not open", got, err)
			}
			if c.who != "" && !strings.Contains(err.Error(), `user "`+c.who+`"`) {
				t.Errorf("error %q does not name %s", err, c.who)
			}
		})
	}
}

// TestUsers_ResealedUnderNewKey checks that once the directory is opened
// with a new first key, the key before it can leave the ring.
func TestUsers_ResealedUnderNewKey(t *testing.T) {
	old, added := newTestKey(1), newTestKey(2)
	path := copyFixture(t)
	users, err := OpenUsers(path, newTestRing(t, old))
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := users.ByName("alice")
	if err := users.Update(alice.ID, func(u *User) { u.TOTPLastStep = 1 }); err != nil {
		t.Fatal(err)
	}
	wantSealed(t, path, plainSecret)
	if _, err := OpenUsers(path, newTestRing(t, added, old)); err != nil {
		t.Fatalf("opening with a key added: %v", err)
	}
	users, err = OpenUsers(path, newTestRing(t, added))
	if err != nil {
		t.Fatalf("opening without the old key, after a start with both: %v", err)
	}
	if alice, _ = users.ByName("alice"); alice.TOTPSecret != plainSecret {
		t.Errorf("got TOTP secret %q, want %q", alice.TOTPSecret, plainSecret)
	}
}
