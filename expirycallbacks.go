package sessiond

import (
	"context"
	"sync"
)

// ExpiryCallbacks keeps the functions registered with a store's
// [ExpiryWatcher.OnExpire] and calls them: a store that sweeps holds one
// and delegates to it. The zero value is ready and safe for concurrent
// use.
type ExpiryCallbacks struct {
	mu  sync.Mutex
	fns []func(ctx context.Context, rec *Record)
}

// Add registers fn.
func (c *ExpiryCallbacks) Add(fn func(ctx context.Context, rec *Record)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fns = append(c.fns, fn)
}

// Notify calls every registered function with each record, holding no
// lock while they run (they may call the store).
func (c *ExpiryCallbacks) Notify(ctx context.Context, recs []*Record) {
	if len(recs) == 0 {
		return
	}
	c.mu.Lock()
	fns := c.fns[:len(c.fns):len(c.fns)]
	c.mu.Unlock()
	for _, rec := range recs {
		for _, fn := range fns {
			fn(ctx, rec)
		}
	}
}
