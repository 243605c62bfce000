package boltstore

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"github.com/sessiond/sessiond"
)

// WriteLayout2 writes recs and events into a new file at path as a
// release of layout 2 did, with its buckets and keys spelled out here: a
// user's sessions and events in buckets of their own.
func WriteLayout2(path string, recs []*sessiond.Record, events []sessiond.Event) error {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		b := make(map[string]*bolt.Bucket)
		for _, name := range []string{"meta", "records", "tokens", "users", "expiry", "list", "events", "events_by_user", "events_by_session", "events_by_type"} {
			var err error
			if b[name], err = tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		var err error // the first failure of put
		put := func(name string, k, v []byte) {
			if err == nil {
				err = b[name].Put(k, v)
			}
		}
		for _, rec := range recs {
			id := []byte(rec.ID)
			val, verr := encodeValue(rec)
			if verr != nil {
				return verr
			}
			put("records", id, val)
			for _, h := range rec.Hashes() {
				put("tokens", h[:], id)
			}
			put("expiry", expiryKey(rec.ExpiresAt(), id), empty)
			if rec.UserID != "" {
				put("users", append(prefixed(rec.UserID, 0), id...), empty)
				put("list", listKey(rec), empty)
			}
		}
		for i, e := range events {
			k := eventKey(e.Time, uint64(i+1))
			put("events", k, encodeEvent(e))
			for name, value := range map[string]string{"events_by_user": e.UserID, "events_by_session": e.SessionID, "events_by_type": string(e.Type)} {
				if value != "" {
					put(name, append(prefixed(value, 0), k...), empty)
				}
			}
		}
		put("meta", []byte("event_count"), binary.BigEndian.AppendUint64(nil, uint64(len(events))))
		put("meta", []byte("layout"), []byte("2"))
		return err
	})
}

// InterruptedUpgrade begins the upgrade of the file at path, then commits
// chunks transactions of it, each moving up to n entries of each layout-2
// bucket, or fewer if that moves all, and stops there, as a process killed
// in the middle of the upgrade does.
func InterruptedUpgrade(path string, n, chunks int) error {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := beginUpgrade(db); err != nil {
		return err
	}
	more := true
	for i := 0; i < chunks && more; i++ {
		if more, err = moveChunk(db, n); err != nil {
			return err
		}
	}
	return nil
}

// UpgradeChunk makes the upgrades of New move up to n entries of each
// layout-2 bucket a transaction, for tests that need several. The returned
// function undoes it.
func UpgradeChunk(n int) (undo func()) {
	old := upgradeChunk
	upgradeChunk = n
	return func() { upgradeChunk = old }
}
