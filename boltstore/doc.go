// Package boltstore is the embedded default [sessiond.Store]: sessions and
// their audit trail kept in one bbolt database file, with no server to run.
//
// It suits a deployment of one process whose sessions must survive a
// restart or a crash. Only one process may open the file at a time: [New]
// waits [Config.Timeout] (1 second by default) for the file's lock, then
// fails with an error that says the file is locked. Several processes
// need a shared store (Redis or PostgreSQL) instead. Within the process,
// any number of [sessiond.Manager] values may share one [Store]; a
// revocation through one is seen by the others on their next read.
//
// # Durability
//
// Every write (Create, Update, Touch, Delete, DeleteAll, AppendEvent)
// returns only once its transaction is committed and synced to disk with
// fsync. A write that returned nil survives a crash of the process
// (kill -9), and of the machine on a disk that honours fsync; a write cut
// short by the crash leaves no trace. The file is never left half-written:
// bbolt writes the pages of a transaction beside the ones in use, then
// switches to them by writing one page. The list of free pages is not
// written with each commit: [New] rebuilds it by reading the whole file,
// about a second at a million sessions, so that a write costs the pages
// it changed however many the file has free.
//
// # Batching
//
// The fsync is the cost of a write, a few milliseconds on most disks.
// Writes that arrive together share one transaction and one fsync: the
// first write that finds no commit under way lets every goroutine that is
// ready to run go first, so that their writes join it, and commits all
// that are waiting; writes that arrive during that commit form the next
// group, committed as soon as it ends. There is no timer: a write that
// arrives alone is committed at once, and a burst of writes is not capped
// at one per fsync, on one processor too (where a syncing commit holds up
// the whole process). When one function of a group fails, the
// transaction is rolled back and the others run again without it, the
// failed one alone; this package's functions are idempotent, and report
// an outcome such as [sessiond.ErrConflict] to their caller without
// failing the group, so that a conflict never undoes or delays the writes
// committed with it. An Update rewrites only the index entries that
// changed: a data write rewrites the record and moves its expiry entry.
//
// # Reads
//
// Get, Find, ListUser, ListAll and QueryEvents run in read-only
// transactions and never take the writer lock: they see the last
// committed state, and go on while a write transaction is open or
// syncing. (bbolt makes readers
// wait only while it enlarges its memory map of a growing file.) Every
// record and event they return is decoded afresh, the caller's own. The
// context of a call is not consulted: reads and writes of the local file
// do not block on a network.
//
// # Layout
//
// The file holds these buckets; numbers are big-endian, with the sign bit
// flipped so that negative ones sort first:
//
//	records            id → header + Record.MarshalBinary
//	tokens             token hash, current or retired → id
//	expiry             ExpiresAt in µs (8 bytes) + id → ∅
//	list               AbsoluteExpiresAt in µs (8 bytes) + id → ∅, users' records
//	by_user            len(user id) as uvarint + user id + 0x01 + event key → ∅
//	                   len(user id) as uvarint + user id + 0x02 + id → ∅
//	events             event time in ns (8 bytes) + sequence (8 bytes) → event
//	events_by_session  len(session id) + session id + event key → ∅
//	events_by_type     len(type) + type + event key → ∅
//	meta               layout version (3), count of events
//
// A record's header holds LastSeenAt, IdleExpiresAt and
// AbsoluteExpiresAt, so that Touch patches the header without decoding
// the record. Find is two lookups; ListUser reads the user's range of
// sessions in by_user; the length before each user id keeps one user's
// range from reaching into another's (user "a" never lists user "a\x00b").
// ListAll reads list backwards from where the page before ended, and
// stops at its limit. Every write keeps the indexes in step with the
// records in the same transaction.
//
// Session ids and event keys begin with their time, so that most buckets
// get their new keys at the end, on leaves that the writes of a commit
// share; tokens and by_user get them anywhere. by_user holds each user's
// audit events, then the user's sessions: a login adds one of each for
// its user, and the newest event, at the end of the user's events, is
// next to the newest session, at the end of the user's few sessions, most
// often on the same leaf, which the commit writes once. The buckets that take
// their new keys at their end, or at the end of one of a few ranges
// (records, expiry, list, events, events_by_type), split a full page at
// 90% rather than in halves, since the left part never takes another key:
// their pages stay about 80% full where they would stay half full.
//
// # Upgrades
//
// [New] upgrades a file of an older layout in place, and refuses one of
// a layout it does not know, such as a newer release wrote; releases
// before layout 3 refuse a file of layout 3. Layout 1 had no list index:
// New indexes its records in one transaction, which makes the file one of
// layout 2. Layout 2 kept by_user's entries in two buckets, users (user
// id + session id) and events_by_user (user id + event key): New moves
// them into by_user in transactions of at most 10,000 entries of each, so
// that no transaction holds a million sessions' worth, then deletes the
// two buckets and writes layout 3 in one more. Each transaction adds an
// entry's new key and deletes its old one, so that every entry is in
// exactly one place at each commit. From the first transaction until the
// last the file's layout reads "upgrading to 3", which releases of layout
// 2 refuse, so that none of them reads half-moved indexes; a New after a
// crash in between goes on from where the upgrade stopped.
//
// # Expiry
//
// [New] starts a sweeper that calls [Store.Sweep] every
// [Config.SweepInterval] (1 minute by default); [Store.Close] stops it.
// Sweep reads the expiry index from its oldest entry up to now, never the
// whole store, removes those records with their index entries in
// transactions of at most 100, between which the writes waiting commit,
// and calls the functions registered with [Store.OnExpire] after each
// commit. Between sweeps an expired record may
// still be returned, as the [sessiond.Store] contract allows; the
// [sessiond.Manager] checks every deadline itself. Touch, though, ignores
// a record that has expired by [Config.Now], so that a late touch cannot
// bring it back.
//
// # Audit events
//
// [Store] is a [sessiond.AuditStore]: wrap it in a [sessiond.StoreAuditor]
// to keep a Manager's audit trail in the same file. Events are keyed by
// time, and indexed by user, session and type, so that
// [Store.QueryEvents] reads one index backwards from the newest entry and
// stops at the limit; [Store.QueryEventPage] goes on from where a page
// ended. Each sweep removes, oldest first, the events older than
// [Config.AuditRetention] (90 days by default) and those beyond the
// newest [Config.AuditMaxEvents] (one million by default); between sweeps
// the count may run past that bound.
package boltstore
