package server

import (
	"log/slog"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/metrics"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/stores"
)

// instrument returns store, of the kind the --store URL names, with every
// call timed in met and every failure counted there and logged to log at
// a bounded rate. The result is still a stores.Store: its audit log, its
// sweeper's expiry callbacks and Close go through to store.
func instrument(met *metrics.Metrics, store stores.Store, kind string, log *slog.Logger) stores.Store {
	return met.Store(store, kind, log).(stores.Store)
}
