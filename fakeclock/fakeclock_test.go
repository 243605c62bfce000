package fakeclock

import (
	"testing"
	"time"
)

// TestBurst_ReadsInStep: in a burst, half the calls read the clock, move
// it and read it again, and half return at once. Every first read comes
// before any move, every second read after all of them, and the burst
// ends.
func TestBurst_ReadsInStep(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := New(start)
	const n = 16
	first, second := make([]time.Time, n), make([]time.Time, n)
	c.Burst(n, func(i int) {
		if i%2 == 1 {
			return
		}
		first[i] = c.Now()
		c.Advance(time.Second)
		second[i] = c.Now()
	})
	end := start.Add(n / 2 * time.Second)
	for i := 0; i < n; i += 2 {
		if !first[i].Equal(start) || !second[i].Equal(end) {
			t.Errorf("call %d: read %v then %v, want %v then %v", i, first[i], second[i], start, end)
		}
	}
	if got := c.Now(); !got.Equal(end) {
		t.Errorf("after the burst: got %v, want %v", got, end)
	}
}
