package throttle_test

import (
	"strconv"
	"testing"

	"github.com/sessiond/sessiond/throttle"
)

// BenchmarkBegin is an attempt from a browser without a device cookie,
// begun and released.
func BenchmarkBegin(b *testing.B) {
	th, _ := newThrottle(throttle.Config{})
	r := browser("")
	failN(b, th, 3, "alice", "192.0.2.1", r)
	b.ReportAllocs()
	for b.Loop() {
		check(th, "alice", "192.0.2.1", r)
	}
}

// BenchmarkBeginKnownDevice is an attempt from a browser with a device
// cookie for the account, which is checked.
func BenchmarkBeginKnownDevice(b *testing.B) {
	th, _ := newThrottle(throttle.Config{})
	r := browser(signIn(b, th, "alice", "192.0.2.1", nil))
	b.ReportAllocs()
	for b.Loop() {
		check(th, "alice", "192.0.2.1", r)
	}
}

// BenchmarkFail records failures for ever new accounts and addresses,
// with the tables full, so each one also evicts.
func BenchmarkFail(b *testing.B) {
	th, _ := newThrottle(throttle.Config{MaxEntries: 10_000})
	r := browser("")
	names := make([]string, 50_000)
	for i := range names {
		names[i] = "user" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		attempt(th, names[i%len(names)], ip(i%len(names)), r, false)
		i++
	}
}

// BenchmarkBeginParallel is Begin from many goroutines at once, all on
// the throttle's one lock.
func BenchmarkBeginParallel(b *testing.B) {
	th, _ := newThrottle(throttle.Config{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := browser("")
		for pb.Next() {
			check(th, "alice", "192.0.2.1", r)
		}
	})
}
