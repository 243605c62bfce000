package throttle

import "time"

// pair is one client's run of consecutive failures for one account.
type pair struct {
	failures int
	last     time.Time // of the last failure
}

// delay is how long a client must wait after its nth consecutive failure:
// nothing for the first FreeFailures-1, then BaseDelay doubling with each
// failure up to MaxDelay.
func (c *Config) delay(n int) time.Duration {
	if n < c.FreeFailures {
		return 0
	}
	d := c.BaseDelay
	for range n - c.FreeFailures {
		if d >= c.MaxDelay/2 {
			return c.MaxDelay
		}
		d *= 2
	}
	return min(d, c.MaxDelay)
}

// backoff is how long the pair must still wait at now.
func (c *Config) backoff(p *pair, now time.Time) time.Duration {
	return max(p.last.Add(c.delay(p.failures)).Sub(now), 0)
}

// stale reports whether the pair's failures are forgotten at now.
func (c *Config) stale(p *pair, now time.Time) bool {
	return now.Sub(p.last) >= c.ResetAfter
}
