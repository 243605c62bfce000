// Command soak runs sessiond through faults under load and measures what
// its users would see: two `sessiond serve` replicas sharing a Redis
// server, then a PostgreSQL cluster, each of the soak's own on the
// loopback, and then one replica on a bbolt file, under a mixed load
// through the HTTP API (logins, validations, which also touch, data
// writes, lists of a user's sessions, logouts, and revocations checked at
// once on the other replica), while it kills -9 a replica during a write
// and starts it again, crashes the store and starts it again, and
// freezes the store with SIGSTOP; on bolt it kills -9 the one process
// during a write, three times.
//
// For each fault it reports the calls refused (503, or no answer), the
// wrong answers (a 200 for a session whose logout or revocation was
// acknowledged; a 401 for a live acknowledged session that is answered
// 200 later), the acknowledged sessions and data writes lost, found by an
// audit of every session the load knows once the service has recovered,
// how long the service took to recover, and each replica's memory and
// goroutines before and after.
//
// Usage, from this directory:
//
//	go run . [-stores redis,postgres,bolt] [-duration 3m] [-freeze 10s] [-down 2s]
//	         [-workers 16] [-sessions 1000] [-bolt-kills 3] [-redis-aof=true] [-sessiond BINARY]
//
// It builds sessiond from -src (../../cmd/sessiond) unless -sessiond
// names a binary, and exits 1 on a wrong answer or a lost acknowledged
// session or write (on Redis only with -redis-aof, its default: without
// persistence a restart empties Redis). It never touches the machine's
// own Redis or PostgreSQL servers.
package main
