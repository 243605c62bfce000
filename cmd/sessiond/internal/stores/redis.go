package stores

import (
	"context"
	"fmt"

	"github.com/sessiond/sessiond/redisstore"
)

// openRedis opens redis://, rediss:// or redis+cluster:// URLs.
func openRedis(ctx context.Context, rawURL string) (Store, error) {
	s, err := redisstore.NewFromURL(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("--store redis: %w", err)
	}
	return s, nil
}
