package throttle_test

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/sessiond/sessiond/throttle"
)

// BenchmarkAllow is an attempt from a browser without a device cookie.
func BenchmarkAllow(b *testing.B) {
	th, _ := newThrottle(throttle.Config{})
	r := browser("")
	fail(th, 3, "alice", "192.0.2.1", r)
	b.ReportAllocs()
	for b.Loop() {
		th.Allow("alice", "192.0.2.1", r)
	}
}

// BenchmarkAllowKnownDevice is an attempt from a browser with a device
// cookie for the account, which is checked.
func BenchmarkAllowKnownDevice(b *testing.B) {
	th, _ := newThrottle(throttle.Config{})
	w := httptest.NewRecorder()
	th.Success(w, "alice", "192.0.2.1", nil)
	r := browser(w.Result().Cookies()[0].Value)
	b.ReportAllocs()
	for b.Loop() {
		th.Allow("alice", "192.0.2.1", r)
	}
}

// BenchmarkFailure records failures for ever new accounts and addresses,
// with the tables full, so each one also evicts.
func BenchmarkFailure(b *testing.B) {
	th, _ := newThrottle(throttle.Config{MaxEntries: 10_000})
	r := browser("")
	names := make([]string, 50_000)
	for i := range names {
		names[i] = "user" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		th.Failure(names[i%len(names)], ip(i%len(names)), r)
		i++
	}
}

// BenchmarkAllowParallel is Allow from many goroutines at once, all on
// the throttle's one lock.
func BenchmarkAllowParallel(b *testing.B) {
	th, _ := newThrottle(throttle.Config{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := browser("")
		for pb.Next() {
			th.Allow("alice", "192.0.2.1", r)
		}
	})
}
