package pwhash_test

import (
	"fmt"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/pwhash"
)

func ExampleCheck() {
	// Real hashes use pwhash.DefaultParams (pwhash.Hash); these parameters
	// only keep the example fast.
	cheap := pwhash.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	phc, err := cheap.Hash("correct horse battery staple")
	if err != nil {
		panic(err)
	}
	right, _ := pwhash.Check(phc, "correct horse battery staple")
	wrong, _ := pwhash.Check(phc, "Tr0ub4dor&3")
	fmt.Println(phc[:28], right, wrong)
	// Output: $argon2id$v=19$m=64,t=1,p=1$ true false
}
