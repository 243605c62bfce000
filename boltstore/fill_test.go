package boltstore_test

import (
	"fmt"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
)

// TestAppendedBucketsFillTheirPages signs in 3,000 sessions of 100 users
// through a Manager, 16 at a time, with every audit event kept: session
// ids and event keys begin with their time, so records, expiry, list,
// events and events_by_type take their new keys at their end (or at the
// end of a type's range), and their leaves must be at least 70% full,
// where bbolt's default split leaves them about half full. tokens takes
// its keys anywhere, and keeps the default.
func TestAppendedBucketsFillTheirPages(t *testing.T) {
	s := open(t, boltstore.Config{Path: dbPath(t)})
	boltstore.DB(s).NoSync = true // the test measures pages, not syncs
	m, err := sessiond.New(s, sessiond.Config{Auditor: sessiond.StoreAuditor{Store: s, Next: nopAuditor{}}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := g; i < 3000; i += 16 {
				info := sessiond.LoginInfo{UserID: fmt.Sprintf("user-%d", i%100), Methods: []string{"pwd"}, Data: map[string]any{"n": i}}
				if _, _, err := m.LoginToken(t.Context(), info); err != nil {
					t.Errorf("LoginToken: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	boltstore.DB(s).View(func(tx *bolt.Tx) error {
		page := float64(tx.DB().Info().PageSize)
		for _, c := range []struct {
			name     string
			min, max float64
		}{
			{"records", 0.7, 1}, {"expiry", 0.7, 1}, {"list", 0.7, 1}, {"events", 0.7, 1}, {"events_by_type", 0.7, 1},
			{"tokens", 0, 0.8},
		} {
			st := tx.Bucket([]byte(c.name)).Stats()
			fill := float64(st.LeafInuse) / (float64(st.LeafPageN) * page)
			if st.LeafPageN < 3 || fill < c.min || fill > c.max {
				t.Errorf("bucket %s: %d leaves %.0f%% full, want %.0f%% to %.0f%%", c.name, st.LeafPageN, 100*fill, 100*c.min, 100*c.max)
			}
		}
		return nil
	})
}
