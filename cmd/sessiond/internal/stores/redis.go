package stores

import (
	"context"
	"errors"
)

// openRedis opens a Redis store.
func openRedis(ctx context.Context, rawURL string) (Store, error) {
	return nil, errors.New("--store redis: not available yet")
}
