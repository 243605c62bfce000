package storetest

import (
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// Harness describes the store under test.
type Harness struct {
	// New returns a fresh, empty store for one subtest. It registers the
	// store's cleanup itself, with t.Cleanup.
	New func(t *testing.T) sessiond.Store
	// Advance, if set, moves the store's clock forward by d and makes the
	// store remove what has expired by then (for example by running its
	// sweeper once), calling any expiry callbacks before it returns. The
	// store's clock must start near the real time.Now. Tests of expiry are
	// skipped when Advance is nil.
	Advance func(t *testing.T, s sessiond.Store, d time.Duration)
	// Pass, if set, moves the store's clock forward by d and does nothing
	// else: what has expired stays until the store's sweep. The test of a
	// touch on an expired record that is still stored is skipped when
	// Pass is nil. [Clocked] sets both.
	Pass func(t *testing.T, s sessiond.Store, d time.Duration)
}

// test is one subtest of the suite.
type test struct {
	name string
	run  func(t *testing.T, h Harness)
}

// Run runs the conformance suite against the store that h describes, as
// subtests of t grouped by method.
func Run(t *testing.T, h Harness) {
	if h.New == nil {
		t.Fatal("storetest: Harness.New is nil")
	}
	groups := []struct {
		name  string
		tests []test
	}{
		{"Create", createTests},
		{"CreateWithEvents", createWithEventsTests},
		{"Update", updateTests},
		{"Touch", touchTests},
		{"TouchToken", touchTokenTests},
		{"Delete", deleteTests},
		{"DeleteMany", deleteManyTests},
		{"ListUser", listUserTests},
		{"ListAll", listAllTests},
		{"DeleteAll", deleteAllTests},
		{"Expiry", expiryTests},
		{"Audit", auditTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { runAll(t, h, g.tests) })
	}
}

// runAll runs tests as subtests of t.
func runAll(t *testing.T, h Harness, tests []test) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, h) })
	}
}

// store returns a fresh store from h.
func (h Harness) store(t *testing.T) sessiond.Store {
	t.Helper()
	s := h.New(t)
	if s == nil {
		t.Fatal("storetest: Harness.New returned nil")
	}
	return s
}
