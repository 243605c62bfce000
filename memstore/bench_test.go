package memstore_test

import (
	"testing"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/storetest"
)

// newBenchStore returns an empty store, closed when b ends.
func newBenchStore(b *testing.B) *memstore.Store {
	s := memstore.New(memstore.Config{})
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkStore runs the benchmarks every store shares.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) sessiond.Store { return newBenchStore(b) })
}
