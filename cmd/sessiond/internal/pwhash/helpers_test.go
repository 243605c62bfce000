package pwhash

import "testing"

// testParams are cheap parameters that keep the tests fast.
var testParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// mustHash hashes password with testParams.
func mustHash(t testing.TB, password string) string {
	t.Helper()
	h, err := testParams.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
