// Package pgstore is a [sessiond.Store] in PostgreSQL, for deployments of
// several processes that share their sessions. It is also a
// [sessiond.ExpiryWatcher] and a [sessiond.AuditStore]. It is built on
// pgx and its pool, pgxpool.
//
// [New] takes the application's pool; [NewFromURL] makes one from a
// postgres:// URL and closes it in [Store.Close]:
//
//	store, err := pgstore.NewFromURL(ctx, "postgres://app@db:5432/app", pgstore.Config{})
//	...
//	defer store.Close()
//	m, err := sessiond.New(store, sessiond.Config{Keys: keys})
//
// Every store on one schema sees every change at once: a session revoked
// through one process is refused by every other on its next request.
//
// # Schema
//
// The tables live in their own schema, [Config.Schema] ("sessiond" by
// default), and every statement names it, so the connection's search_path
// does not matter. Several schemas keep independent sets of sessions in
// one database.
//
//   - sessions: one row per session. rec holds the whole record as
//     [sessiond.Record.MarshalBinary] encodes it, its Data sealed by the
//     [sessiond.Manager]: the store adds nothing that is not already in
//     the record. Beside it are the columns the store indexes or touches:
//     id (primary key), user_id, version, last_seen_at, idle_expires_at,
//     absolute_expires_at, expires_at, generated as the earlier
//     deadline, expiry_bin, generated as expires_at rounded down to ten
//     minutes, and token_hash, the current token's hash. Indexes:
//     token_hash (unique) for Find, user_id (partial, without anonymous
//     sessions) for ListUser, absolute_expires_at and id (partial too,
//     the id compared as bytes) for ListAll, and expiry_bin for the
//     janitor. No index covers a column that a touch moves, but for
//     expiry_bin once in ten minutes, and pages are filled to 90%
//     (fillfactor): so a touch is a heap-only (HOT) update, which adds no
//     index entry and whose dead versions later reads prune off the page.
//     An index on expires_at would give every touch a new entry in all
//     five indexes, and the
//     lookup behind every request would wade through the dead ones until
//     a vacuum. The price is a table a ninth larger.
//   - session_tokens: the retired token hashes, with the id of their
//     session. The hash is the primary key, so that a retired hash leads
//     to one session only, as the unique index on token_hash does for
//     current ones; the statements that write either refuse a hash that
//     is the other kind's of another session (a check rather than an
//     index, which two writes of the same hash at the same moment could
//     both pass: random 256-bit tokens never make one). Rows go with their session
//     (ON DELETE CASCADE). A session that was never rotated has none:
//     its row is all it costs. Releases before this one kept the current
//     hash here as well; such a row leaves at the session's next
//     rotation or with the session.
//   - audit_events: one row per event (a bigserial id, time, type,
//     user_id, session_id, ip, user_agent, reason, event_id, actor), indexed by
//     user, by session and by type, each newest first, and by time.
//   - schema_migrations: the migrations applied.
//
// # Migrations
//
// The schema's migrations are numbered SQL files embedded in the package.
// [New] creates the schema if it is missing and applies the migrations it
// has not applied yet, in one transaction, under an advisory lock on the
// schema's name: replicas starting together apply each migration once,
// and none sees a half-made schema. Opening an up-to-date schema applies
// nothing, and versions applied by a newer release are left alone.
//
// Migration 2 adds sessions.token_hash and builds its unique index. On a
// schema that already holds sessions, the build holds back session writes
// (logins, rotations, touches) until it ends, about a second per million
// sessions; reads go on. Sessions written before it are found through
// session_tokens until their next Update.
//
// Migration 3 sets the fillfactor, adds expiry_bin and moves the
// janitor's index to it. Adding the column rewrites the table, which holds
// back reads and writes of sessions until it ends: 0.3 s for 100,000
// sessions on a two-core test machine.
//
// Migration 4 adds audit_events.actor, empty for the events kept before
// it; with a constant default, no row is rewritten.
//
// Migration 5 builds the index of ListAll. Like migration 2's, the build
// holds back session writes until it ends, about a second per million
// sessions.
//
// Migration 6 adds sessions.token_set, the digest of a session's token
// hashes, with no default: no row is rewritten. A session written before
// it takes the re-indexing statement on its next Update, which sets it.
//
// # Round trips
//
// Each call is one statement and one round trip to the server once pgx
// has prepared it on a connection (the first use of a statement on a
// connection costs one more), but for Find of any hash but a current one
// and an Update that changes the token hashes:
//
//   - Find reads a current token's session by token_hash, one index of
//     one table: the same work as a SELECT by primary key. Only when that
//     finds nothing does a second statement join session_tokens to
//     sessions, for a retired token (or a row written before migration 2,
//     whose token_hash is empty until its next Update); an unknown hash
//     thus costs two round trips, which the Manager's throttling of
//     invalid tokens bounds. Get, ListUser and ListAll read sessions
//     alone; ListAll reads its index from where the page before ended.
//   - Create inserts the session, and its retired hashes if it has any,
//     in one statement.
//   - Update is a compare-and-swap on the version. One that keeps the
//     session's token hashes (a data write) is a single-row UPDATE that
//     also checks the stored current hash and token_set, the digest of
//     every hash, and so leaves session_tokens alone: one statement, no
//     transaction around it, a heap-only update. When that matches no
//     row (a rotation, a lost compare-and-swap, a row from before
//     migration 6), a second statement does the compare-and-swap with
//     the token index brought in step (hashes no longer present deleted,
//     new ones inserted): either all of it happens or none.
//   - Touch is one UPDATE of last_seen_at and idle_expires_at, with
//     GREATEST so that they only move forward, and only while the session
//     has not expired by [Config.Now]: it never brings a session back and
//     never rewrites rec. Get, Find and ListUser lay these two columns over
//     the decoded record.
//   - Delete is one DELETE, and DeleteMany too, of any number of
//     sessions; the hashes go by cascade.
//   - DeleteAll locks the sessions, counts them and truncates both tables,
//     three statements in one transaction sent as one simple query: one
//     round trip, as fast for a million sessions as for one, so that
//     revoking everything after a breach cannot outlast [Config.Timeout].
//     It needs the TRUNCATE privilege, which the schema's owner has.
//   - AppendEvent, QueryEvents and QueryEventPage are one statement
//     each; a page reads its index from where the page before ended.
//   - Sweep is one DELETE per batch of expired sessions, then one per batch
//     of each audit retention rule: two round trips when there is nothing
//     to remove, with the defaults.
//
// A request through the [sessiond.Manager]'s middleware thus costs one
// round trip, plus one for the touch at most once per
// sessiond.Config.TouchInterval, and one for each data write it commits. pgxpool pings a connection that has been
// idle for more than a second before handing it out, which adds a round
// trip to the first request after a quiet second.
//
// Conflicts: a taken id or token hash is a unique violation, and a lost
// race that the server detects (a deadlock or serialization failure) is
// reported too; each is returned as [sessiond.ErrConflict] wrapping the
// driver's error, so that errors.Is matches both.
//
// # Expiry and retention
//
// [New] starts a janitor that calls [Store.Sweep] every
// [Config.SweepInterval] (1 minute by default) until [Store.Close]. Sweep
// deletes the sessions whose earlier deadline has passed by [Config.Now],
// in statements of at most [Config.SweepBatch] rows, each returning the
// rows it removed, and calls the [Store.OnExpire] functions with each (the
// Manager audits session.expired). Replicas sweeping one schema share the
// work without waiting on each other (FOR UPDATE SKIP LOCKED), and each
// removed session is reported by the one that removed it.
//
// Until it is swept, an expired session may still be returned, as the
// [sessiond.Store] contract allows: the Manager checks every deadline
// itself.
//
// Audit events are kept for [Config.AuditRetention] (90 days by default)
// and, if [Config.AuditMaxEvents] is set, up to that many, the newest; the
// janitor deletes the rest in the same bounded batches.
//
// # Failure
//
// Every call is bounded by its context and by [Config.Timeout] (5 seconds
// by default, give or take a tenth), so that a server that stops
// answering fails calls rather than hanging them: the Manager's middleware
// passes the request's context, which has no deadline of its own.
//
// A call that cannot reach the server, or reads a stored record that does
// not decode, returns an error, never "not found", and the Manager then
// refuses the request (503 from its middleware): the store fails closed.
// Nothing needs to be restarted when the server comes back: the pool
// replaces broken connections and the next call succeeds.
//
// A failed sweep is logged to [Config.Logger] and tried again at the next
// interval. A swept record that does not decode is removed all the same,
// logged, and reported to no callback.
//
// Audit events keep a client's text (its User-Agent) even when it is not
// valid UTF-8 or holds NUL bytes, which PostgreSQL's text refuses: the bad
// bytes become U+FFFD, so that no client can keep its actions out of the
// log by sending them.
package pgstore
