// Package memstore is a [sessiond.Store] that keeps sessions in the memory
// of one process.
//
// It suits tests, development and single-process deployments whose sessions
// may be lost on restart. Several processes need a shared store (bbolt,
// Redis or PostgreSQL) instead, since a memstore is seen by its own process
// only.
//
// # Expiry
//
// [New] starts a goroutine that calls [Store.Sweep] every
// [Config.SweepInterval] and [Store.Close] stops it. Sweep removes every
// record whose [sessiond.Record.ExpiresAt] has passed and calls the
// functions registered with [Store.OnExpire]. Between sweeps an expired
// record may still be returned, as the [sessiond.Store] contract allows; the
// [sessiond.Manager] checks every deadline itself. Touch, though, ignores a
// record that has expired, so that a late touch cannot bring it back.
//
// # Cost
//
// Find, the lookup behind every request, takes a read lock and two map
// lookups, and allocates nothing: it returns the stored record itself,
// which the [sessiond.Store] contract makes read-only to the caller, and
// every write stores a new copy instead of changing it in place. Readers
// never wait for each other. Sweep
// scans every record under the read lock and takes the write lock only to
// remove the expired ones. ListAll, with no index by deadline to read,
// scans every record under the read lock too, for each page.
package memstore
