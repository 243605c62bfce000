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
// Find, the lookup behind every request, takes a read lock, two map lookups
// and a copy of the record: one allocation for the struct and one for each
// non-empty slice (Retired, AuthMethods, Data), because the record a store
// returns is the caller's own. Readers never wait for each other. Sweep
// scans every record under the read lock and takes the write lock only to
// remove the expired ones. ListAll, with no index by deadline to read,
// scans every record under the read lock too, for each page.
package memstore
