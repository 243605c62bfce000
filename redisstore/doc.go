// Package redisstore is a [sessiond.Store] and [sessiond.AuditStore] on
// Redis 6.2 or later, standalone or Cluster, through the rueidis client.
//
// Any number of processes may share one Redis: a change made through one
// [sessiond.Manager] is seen by every other on its next request, and a
// revoked session is refused at once. [NewFromURL] makes a store from a
// URL, with a client set up to fail promptly; [New] takes a client the
// application made.
//
// # Keys
//
// Every key starts with Config.Prefix ("sessiond:" by default):
//
//	t:<hex of a token hash>  string  the record's home, or a link to it
//	i:<record id>            string  the current token hash (32 bytes)
//	u:<user id>              zset    ids of the user's records, scored by
//	                                 their absolute deadlines
//	list                     zset    users' records: absolute deadline + id
//	audit                    stream  audit events
//
// A record lives in the key of its current token hash, its home, which
// holds a header of four 64-bit integers (LastSeenAt, IdleExpiresAt, the
// absolute deadline, the version) followed by the record as
// [sessiond.Record.MarshalBinary] encodes it, less the 32 bytes of the
// token hash, which the key's name holds. The key of each retired hash
// holds a link: the id and the hash of the home. The id key leads from the
// id to the home, for Get, Touch, Update, Delete and ListUser.
//
// Homing the record at its token's key is what makes the read path one
// round trip in a Cluster too, where a script or transaction may only touch
// keys of one slot and the slot of a record cannot be known from a token
// hash other than by making the hash the key. So a rotation moves the
// record: Update writes the new home, then swaps the old one into a link to
// it with one script that checks the version (the compare-and-swap), then
// updates the id key and the links. Every operation is a sequence of
// scripts that each touch one key, ordered so that a lookup never finds a
// record that is not, or no longer, stored: a link is always checked
// against the home it leads to, whose record must list the hash, and a
// lookup that finds a link where a home was follows it (so a sequence cut
// short, as by a crash after the swap, is still read right, and repaired
// by the next update). No key carries a hash tag: keys spread over all
// masters. A prefix with a hash tag of its own ("{app}:") puts the store in
// one slot, which works too.
//
// # Round trips
//
//	Find       1 (GET of the token key); 2 for a retired hash (the link,
//	           then the home it leads to)
//	Get        2 (the id key, the home)
//	Touch      2 (the id key, a script on the home)
//	TouchToken 1 (a script on the home the current hash names); after a
//	           rotation, one more per link, or Touch's 2 if none leads on
//	Create     3 (SET NX of the id key; the home and links in one
//	           pipeline; the user's index and the list), 2 for an anonymous
//	           session
//	Update     4 at most (the home, found by the record's own hashes; claims of new
//	           keys; the compare-and-swap; the id key, links, user indexes, list)
//	Delete     3 (the id key, the home, the rest in one pipeline); as
//	           many for DeleteMany of any number of ids
//	ListUser   3 (the index; the id keys; the homes), whatever its size
//	ListAll    3 per batch of at least 100 members of the list (the
//	           members; the id keys; the homes): one batch for a page of
//	           up to 100 live sessions
//	DeleteAll  1 per 1,000 keys of every master, see [Store.DeleteAll]
//
// A pipeline is one round trip; in a Cluster, one to each master concerned,
// in parallel. Touch writes the two times of the header in place (SETRANGE)
// and never the record. The Manager touches a session at most once per
// TouchInterval, through TouchToken, so a request costs one round trip,
// and now and then one more.
//
// # Expiry
//
// Redis forgets records: a home expires at [sessiond.Record.ExpiresAt], and
// Touch moves its expiry with the idle deadline, never past the absolute
// one and only if the home still exists, so that a late touch never brings
// back a session. Links and the id key expire at the absolute deadline: a
// link is only of use while its home lives, and outliving it leads
// nowhere. The user's index expires at the latest absolute deadline of its
// records, and an id leaves it at the next addition after its own. The clock is the Redis server's; the Manager
// checks every deadline with its own. Expiry times are rounded up to the
// millisecond. The store is no [sessiond.ExpiryWatcher]: Redis expires
// keys silently.
//
// ListUser drops the ids of records that are gone from the user's index on
// its way.
//
// ListAll reads the list, a sorted set whose members (all of score 0,
// so that it sorts by member) are the absolute deadline of each record of
// a user, in microseconds as 16 hex digits, then its id: a page is one
// ZRANGE BYLEX from where the page before ended, backwards. Create and
// Update add a member, in the pipeline of their last round trip, and trim
// those whose absolute deadline passed by Config.Now; Delete removes its
// record's. ListAll drops the members whose id key is gone on its way,
// and passes over those whose home expired when idle, which leave at
// their absolute deadline. In a Cluster the list is one key, on one
// master, like the audit stream.
//
// # Audit
//
// AppendEvent adds events to one stream, trimmed on every append to about
// Config.AuditMaxEvents entries (1,000,000 by default) and Config.AuditRetention
// (90 days), approximately: Redis trims whole stream nodes. QueryEvents
// reads the stream from the newest entry back until it has the events
// asked for, at most Config.AuditScanLimit (100,000) entries: its cost is
// the number of entries it reads, and older matches are not found. In a
// Cluster the stream is one key, on one master.
//
// # Failover
//
// Redis replicates asynchronously: a master acknowledges a write before
// its replicas have it, so a failover (a replica promoted when its master
// dies) can lose the last writes acknowledged, here logins, rotations and
// revocations. Config.WaitReplicas (URL parameter wait=N, with
// wait_timeout=D for Config.WaitTimeout) makes every write wait until N
// replicas of each master it wrote to have it, with WAIT, and fail with
// [ErrNotReplicated] otherwise, so that the Manager refuses the login or
// change (fails closed) rather than acknowledge what a failover could
// lose. It is off by default. [Store.CheckReplicas] tells whether each
// master has those replicas now; `sessiond serve` warns at start when one
// has not.
//
// WAIT covers the writes made before it on its own connection, and the
// client shares its connections among goroutines; so each pipeline of
// writes is sent with WAITs after it in the same DoMulti, which the client
// sends to each master on one connection, in order: WAIT being a blocking
// command, a connection of the client's pool of blocking connections
// (ClientOption.BlockingPoolSize) that serves no other call meanwhile. In
// a Cluster a WAIT follows the writes of each slot, so every master
// written is asked (a master asked twice answers the second at once).
// Touches do not wait (a lost touch makes a session expire sooner, not
// later), nor does the clean-up of ListUser and ListAll.
//
// The cost: every round trip of a write also waits for the replicas to
// acknowledge (BenchmarkWait, on the loopback with one replica: a Create
// of a user's record, measured when it took three round trips (two now), took 0.54 ms instead of 0.31 ms
// one at a time, and 98 µs instead of 45 µs each with 64 at once, where
// each held a connection of its own: less than half the writes a second),
// and availability: a master with fewer than N replicas in sync
// refuses the writes of its slots, as after a failover until the dead
// node returns as a replica (reads go on). With Redis's own
// min-replicas-to-write a master refuses writes when too few replicas are
// connected, but still acknowledges a write they have not received. After
// a diskless full sync (repl-diskless-sync, Redis's default), the master
// holds its stream to the replica back until the replica's first
// acknowledgement, up to a second later: writes may time out meanwhile.
// A write that a master redirects (MOVED, while a resharding migrates
// slots) is retried by the client on the other master without its WAIT:
// the guarantee covers failovers, not writes made while slots migrate.
//
// Without waiting, a failover loses the writes a master acknowledged in
// the moment before it died and had not yet sent to the replica promoted;
// the sessions concerned read as invalid afterwards. TestClusterFailover
// kills a master under load, in both modes: see loadtest/README.md for
// its figures.
//
// # Failures
//
// Every call is bounded by its context and fails, so that the Manager fails
// closed, when Redis does not answer. The client [NewFromURL] makes does
// that by itself within about two seconds (see [IOTimeout]); a store on a
// client passed to [New] bounds each call by Config.Timeout (two seconds)
// as well. Nothing is cached in the process: the store reads Redis on
// every call, and the client's client-side caching must stay off.
package redisstore
