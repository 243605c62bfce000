// Command loadtest is the server side of sessiond's HTTP load figures: it
// serves one handler on one store, either behind sessiond's middleware
// ("session") or doing the same store read without sessions ("plain"),
// so that a load generator such as wrk can compare the two, or behind
// the least any server-side session layer does ("floor": cookie, hash,
// context value, no-store headers, no store). For writes, "write" is the
// middleware around a handler that sets one value in its session, and
// "upsert" a bare handler that replaces one value of a record's size per
// request. For logins, "login" logs a user in on every request and sets
// a 200-byte value after the login, "logindata" gives the value with the
// login, and "scs" does the same with scs. run.sh drives it; validate.sh does the same for the service's
// POST /v1/sessions/validate against a plain HTTPS handler ("plaintls").
//
// Two modes serve nothing. "scale" fills a store of -small sessions and
// one of -sessions and measures reads, a user's list and revoke-all, and
// reads while sessions expire, on both (see README.md). "footprint"
// signs in -sessions sessions through a Manager, each of its own user,
// with a desktop browser's User-Agent and data that the Manager seals into
// 190 bytes, and reports the bytes each
// adds to the store: Redis's used_memory (on a server nothing else uses),
// PostgreSQL's tables with their indexes and TOAST, bbolt's pages in use.
//
// Usage:
//
//	loadtest -store memory|bolt|redis|postgres -mode plain|session|write|upsert|floor|login|logindata|scs|plaintls|scale|footprint
//	         [-addr 127.0.0.1:8081] [-sessions 1000] [-tokens FILE]
//	         [-redis redis://127.0.0.1:6379/0] [-postgres postgres://...]
//	         [-cert FILE -key FILE]                   (plaintls)
//
// In session and write modes it signs in -sessions sessions and writes
// their tokens, one a line, to -tokens (floor mode writes as many random
// ones), for the load generator's script. In plain mode it stores as many
// values of a typical record's size and reads one of them per request: a
// GET on Redis, a SELECT by primary key on PostgreSQL, a read transaction
// on bbolt, nothing on memory. In upsert mode it replaces one of them per
// request: an INSERT ... ON CONFLICT DO UPDATE on PostgreSQL, a SET on
// Redis, a read-write transaction of its own on bbolt, a map entry under
// a mutex on memory.
package main
