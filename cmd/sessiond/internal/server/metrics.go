package server

import (
	"github.com/sessiond/sessiond/cmd/sessiond/internal/metrics"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/stores"
)

// instrument returns store with every call timed in met. The result is
// still a stores.Store: its audit log, its sweeper's expiry callbacks and
// Close go through to store.
func instrument(met *metrics.Metrics, store stores.Store) stores.Store {
	return met.Store(store).(stores.Store)
}
