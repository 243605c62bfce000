package throttle

import (
	"math"
	"time"
)

// A window is counted in buckets of a tenth of it, and its sum covers
// buckets+1 of them: every failure counts for at least the whole window
// and at most a tenth longer.
const (
	buckets = 10
	slots   = buckets + 1
)

// window counts failures in a sliding window, in a ring of slots.
type window struct {
	newest int64 // bucket index of the newest failure
	counts [slots]uint32
}

// add counts n failures in bucket i.
func (w *window) add(i int64, n int) {
	i = max(i, w.newest) // a clock that went back counts in the newest bucket
	for j := w.newest + 1; j <= i && j <= w.newest+slots; j++ {
		w.counts[slot(j)] = 0
	}
	w.newest = i
	c := &w.counts[slot(i)]
	*c = uint32(min(uint64(*c)+uint64(n), math.MaxUint32))
}

// span returns the bucket indexes whose counts are in the sum at bucket
// i. A clock that went back sees the sum as of the newest bucket.
func (w *window) span(i int64) (lo, hi int64) {
	return max(i, w.newest) - slots + 1, w.newest
}

// sum is the number of failures counted at bucket i.
func (w *window) sum(i int64) int {
	n := 0
	lo, hi := w.span(i)
	for j := lo; j <= hi; j++ {
		n += int(w.counts[slot(j)])
	}
	return n
}

// freeAt returns the first bucket index at which the sum is below limit
// again, and whether it is not below limit at i.
func (w *window) freeAt(i int64, limit int) (int64, bool) {
	n := w.sum(i)
	if n < limit {
		return 0, false
	}
	lo, hi := w.span(i)
	for j := lo; j < hi; j++ {
		if n -= int(w.counts[slot(j)]); n < limit {
			return j + slots, true
		}
	}
	return hi + slots, true
}

// slot is the ring index of bucket j.
func slot(j int64) int {
	return int((j%slots + slots) % slots)
}

// counter limits failures per key within a window. Attempts in flight
// count as failures made now: held until they end, they keep attempts
// running at the same moment from passing the limit together.
type counter struct {
	limit    int
	width    time.Duration // of a bucket
	table    table[digest, window]
	inflight tally[digest]
}

// newCounter returns a counter of limit failures per period, with at
// most max keys.
func newCounter(limit int, period time.Duration, max int) *counter {
	return &counter{limit: limit, width: period / buckets, table: newTable[digest, window](max), inflight: tally[digest]{}}
}

// bucket is the index of the bucket now falls in.
func (c *counter) bucket(now time.Time) int64 {
	return now.UnixNano() / int64(c.width)
}

// add counts a failure for k.
func (c *counter) add(k digest, now time.Time) {
	c.table.touch(k).add(c.bucket(now), 1)
}

// wait is how long k stays at its limit, counting its attempts in flight
// as failures made now, or 0 if it is below it.
func (c *counter) wait(k digest, now time.Time) time.Duration {
	stored, ok := c.table.get(k)
	n := c.inflight[k]
	if !ok && n == 0 {
		return 0
	}
	var w window
	if ok {
		w = *stored
	}
	i := c.bucket(now)
	w.add(i, n)
	at, full := w.freeAt(i, c.limit)
	if !full {
		return 0
	}
	return time.Duration(at*int64(c.width) - now.UnixNano())
}

// stale reports whether every failure w counts has left the window.
func (c *counter) stale(w *window, now time.Time) bool {
	return c.bucket(now)-w.newest >= slots
}

// sweep drops a few keys whose failures have all left the window.
func (c *counter) sweep(now time.Time) {
	c.table.sweep(sweepBatch, func(w *window) bool { return c.stale(w, now) })
}

// tally counts attempts in flight per key. A key with none has no entry,
// so it holds no more entries than there are attempts in flight.
type tally[K comparable] map[K]int

// add adds n, which may be negative, to k's count.
func (t tally[K]) add(k K, n int) {
	if t[k] += n; t[k] <= 0 {
		delete(t, k)
	}
}
