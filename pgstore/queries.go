package pgstore

import (
	"strings"

	"github.com/jackc/pgx/v5"
)

// queries holds the text of every statement, with the schema's tables
// qualified by name: the store never depends on the connection's
// search_path. Each statement is one round trip; pgx prepares it on a
// connection's first use and caches it.
type queries struct {
	get, find, findRetired, listUser   string
	listAll, listAfter                 string
	create, createWithEvents           string
	update, updateData, touch          string
	delete, deleteAll                  string
	sweepSessions, sweepAge, sweepMax  string
	appendEvent, queryEvents           string
	lockMigrations, migrationsTable    string
	appliedMigrations, recordMigration string
}

// newQueries returns the statements for the tables in schema.
func newQueries(schema string) queries {
	r := strings.NewReplacer(
		"{schema}", pgx.Identifier{schema}.Sanitize(),
		"{sessions}", pgx.Identifier{schema, "sessions"}.Sanitize(),
		"{tokens}", pgx.Identifier{schema, "session_tokens"}.Sanitize(),
		"{events}", pgx.Identifier{schema, "audit_events"}.Sanitize(),
		"{migrations}", pgx.Identifier{schema, "schema_migrations"}.Sanitize(),
	)
	return queries{
		get:               r.Replace(getSQL),
		find:              r.Replace(findSQL),
		findRetired:       r.Replace(findRetiredSQL),
		listUser:          r.Replace(listUserSQL),
		listAll:           r.Replace(listAllSQL),
		listAfter:         r.Replace(listAfterSQL),
		create:            r.Replace(createSQL),
		createWithEvents:  r.Replace(createWithEventsSQL),
		update:            r.Replace(updateSQL),
		updateData:        r.Replace(updateDataSQL),
		touch:             r.Replace(touchSQL),
		delete:            r.Replace(deleteSQL),
		deleteAll:         r.Replace(deleteAllSQL),
		sweepSessions:     r.Replace(sweepSessionsSQL),
		sweepAge:          r.Replace(sweepAgeSQL),
		sweepMax:          r.Replace(sweepMaxSQL),
		appendEvent:       r.Replace(appendEventSQL),
		queryEvents:       r.Replace(queryEventsSQL),
		lockMigrations:    r.Replace(lockMigrationsSQL),
		migrationsTable:   r.Replace(migrationsTableSQL),
		appliedMigrations: r.Replace(appliedMigrationsSQL),
		recordMigration:   r.Replace(recordMigrationSQL),
	}
}

// Reads. Each returns the record's encoding with the two columns that
// Touch moves, which overlay the encoded values.
const (
	getSQL = `SELECT rec, last_seen_at, idle_expires_at FROM {sessions} WHERE id = $1`

	// findSQL looks up a current hash on the sessions' own index: the
	// statement of every request, as cheap as a SELECT by primary key.
	findSQL = `SELECT rec, last_seen_at, idle_expires_at FROM {sessions} WHERE token_hash = $1`

	// findRetiredSQL is the path of the other hashes (a retired one, or
	// the current one of a row from before migration 2): the token index
	// joined to the sessions.
	findRetiredSQL = `SELECT s.rec, s.last_seen_at, s.idle_expires_at
FROM {tokens} t JOIN {sessions} s ON s.id = t.session_id
WHERE t.hash = $1`

	// listUserSQL repeats the partial index's predicate, so that the
	// planner may use the index for any $1.
	listUserSQL = `SELECT rec, last_seen_at, idle_expires_at FROM {sessions}
WHERE user_id = $1 AND user_id <> ''`

	// listAllSQL and listAfterSQL read the index sessions_list, whose
	// predicate, columns and collation they repeat: the first page, and
	// the page after the session ($1, $2).
	listAllSQL = `SELECT rec, last_seen_at, idle_expires_at FROM {sessions}
WHERE user_id <> ''
ORDER BY absolute_expires_at DESC, id COLLATE "C" DESC LIMIT $1`

	listAfterSQL = `SELECT rec, last_seen_at, idle_expires_at FROM {sessions}
WHERE user_id <> '' AND (absolute_expires_at, id COLLATE "C") < ($1, $2)
ORDER BY absolute_expires_at DESC, id COLLATE "C" DESC LIMIT $3`
)

// Writes.
const (
	// createCTEs insert the session with its current hash ($9) and the
	// digest of its hashes ($10) as s, and its retired hashes ($8) into
	// the token index, unless a hash is already another session's: a
	// current hash that the token index holds, or a retired one that is a
	// session's current hash (then s is empty). A taken id, current hash
	// or retired hash is a unique violation.
	//
	// The retired hashes are looked up one at a time, each by equality
	// on the index of token_hash, never with "token_hash = ANY ($8)": a
	// plan cached while the table was small (PostgreSQL keeps a generic
	// plan for a prepared statement until the table's statistics change)
	// then scans the whole table for every login. updateSQL does the
	// same, and deleteSQL takes one id.
	createCTEs = `WITH s AS (
	INSERT INTO {sessions} (id, user_id, version, last_seen_at, idle_expires_at, absolute_expires_at, rec, token_hash, token_set)
	SELECT $1::text, $2::text, $3::bigint, $4::timestamptz, $5::timestamptz, $6::timestamptz, $7::bytea, $9::bytea, $10::bytea
	WHERE NOT EXISTS (SELECT 1 FROM {tokens} WHERE hash = $9::bytea)
		AND NOT EXISTS (SELECT 1 FROM unnest($8::bytea[]) AS r(h)
			WHERE (SELECT o.id FROM {sessions} o WHERE o.token_hash = r.h) IS NOT NULL)
	RETURNING id
), t AS (
	INSERT INTO {tokens} (hash, session_id)
	SELECT h, s.id FROM s, unnest($8::bytea[]) AS h
)`

	// createSQL is createCTEs in one statement that answers 1, or 0 when
	// a hash is another session's.
	createSQL = createCTEs + `
SELECT count(*) FROM s`

	// createWithEventsSQL is createSQL that also inserts audit events,
	// one for each element of the arrays $11 to $19 (time, type, user_id,
	// session_id, ip, user_agent, reason, event_id, actor), in the same
	// statement: a session that is not inserted keeps no event.
	createWithEventsSQL = createCTEs + `, e AS (
	INSERT INTO {events} (time, type, user_id, session_id, ip, user_agent, reason, event_id, actor)
	SELECT e.* FROM s, unnest($11::timestamptz[], $12::text[], $13::text[], $14::text[], $15::text[],
		$16::text[], $17::text[], $18::text[], $19::text[]) AS e
)
SELECT count(*) FROM s`

	// updateDataSQL is the compare-and-swap on the version of an Update
	// that keeps the session's token hashes, as a data write does: the
	// current hash ($9) and the digest of them all ($10) are the stored
	// ones, so the token index is already right and only the row is
	// rewritten. It changes no indexed column but when the idle deadline
	// crosses into the next expiry_bin, so the update is heap-only. When
	// it matches no row (another version, a session gone, hashes that
	// differ), Update runs updateSQL, which tells them apart.
	updateDataSQL = `UPDATE {sessions}
SET user_id = $3, version = $4, last_seen_at = $5, idle_expires_at = $6, absolute_expires_at = $7, rec = $8
WHERE id = $1 AND version = $2 AND token_hash = $9 AND token_set = $10`

	// updateSQL is the compare-and-swap on the version, with the current
	// hash ($10), the digest of the hashes ($11) and the token index
	// brought in step with the new retired hashes ($9), in one statement:
	// rows of hashes no longer retired are deleted (the current hash of a
	// row written before the index held retired hashes only among them)
	// and new ones inserted. A current hash that the token index holds
	// for another session, or a retired one that is another session's
	// current hash, leaves s empty; a retired hash of another session is
	// a unique violation that undoes it all. When the version differs or
	// the session is gone, s is empty too, nothing changes, and the count
	// is 0.
	updateSQL = `WITH s AS (
	UPDATE {sessions}
	SET user_id = $3, version = $4, last_seen_at = $5, idle_expires_at = $6, absolute_expires_at = $7, rec = $8,
		token_hash = $10, token_set = $11
	WHERE id = $1 AND version = $2
		AND NOT EXISTS (SELECT 1 FROM {tokens} k WHERE k.hash = $10 AND k.session_id <> $1)
		AND NOT EXISTS (SELECT 1 FROM unnest($9::bytea[]) AS r(h)
			WHERE (SELECT o.id FROM {sessions} o WHERE o.token_hash = r.h AND o.id <> $1) IS NOT NULL)
	RETURNING id
), gone AS (
	DELETE FROM {tokens} t USING s
	WHERE t.session_id = s.id AND t.hash <> ALL ($9::bytea[])
), added AS (
	INSERT INTO {tokens} (hash, session_id)
	SELECT h, s.id FROM s, unnest($9::bytea[]) AS h
	WHERE NOT EXISTS (SELECT 1 FROM {tokens} k WHERE k.hash = h AND k.session_id = s.id)
)
SELECT count(*) FROM s`

	// touchSQL moves the two deadline columns forward only, never on a
	// session that has expired by the store's clock ($4), and writes
	// nothing when neither would move.
	touchSQL = `UPDATE {sessions}
SET last_seen_at = GREATEST(last_seen_at, $2), idle_expires_at = GREATEST(idle_expires_at, $3)
WHERE id = $1 AND expires_at > $4 AND (last_seen_at < $2 OR idle_expires_at < $3)`

	// deleteSQL removes session $1; its token hashes go with it (ON
	// DELETE CASCADE). DeleteMany sends one for each id, in one batch.
	deleteSQL = `DELETE FROM {sessions} WHERE id = $1`

	// deleteAllSQL is three statements, sent as one simple query, which
	// PostgreSQL runs as one transaction: the lock keeps the count exact,
	// and TRUNCATE takes the same time for a million sessions as for one,
	// where a DELETE would outlast Config.Timeout.
	deleteAllSQL = `LOCK TABLE {sessions} IN ACCESS EXCLUSIVE MODE;
SELECT count(*) FROM {sessions};
TRUNCATE {sessions}, {tokens}`
)

// The janitor's statements, each bounded to $2 rows.
const (
	// sweepSessionsSQL deletes sessions expired at $1. It searches the
	// index of expiry_bin (expires_at rounded down, so every expired
	// session's bin is at most $1), and checks expires_at itself on the
	// rows found. SKIP LOCKED lets the janitors of several replicas share
	// the work without waiting on each other, and the repeated condition
	// leaves alone a session that a touch saved in the meantime.
	sweepSessionsSQL = `DELETE FROM {sessions}
WHERE id IN (
	SELECT id FROM {sessions} WHERE expiry_bin <= $1 AND expires_at <= $1
	ORDER BY expiry_bin LIMIT $2 FOR UPDATE SKIP LOCKED
) AND expires_at <= $1
RETURNING rec, last_seen_at, idle_expires_at`

	// sweepAgeSQL deletes audit events older than $1.
	sweepAgeSQL = `DELETE FROM {events}
WHERE id IN (SELECT id FROM {events} WHERE time < $1 ORDER BY time LIMIT $2)`

	// sweepMaxSQL deletes the oldest audit events past the newest $1.
	sweepMaxSQL = `DELETE FROM {events}
WHERE id IN (
	SELECT id FROM {events}
	WHERE id <= (SELECT id FROM {events} ORDER BY id DESC OFFSET $1 LIMIT 1)
	ORDER BY id LIMIT $2
)`
)

// Audit events. queryEventsSQL is completed by QueryEventPage with the
// conditions it needs.
const (
	appendEventSQL = `INSERT INTO {events} (time, type, user_id, session_id, ip, user_agent, reason, event_id, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

	queryEventsSQL = `SELECT event_id, time, type, user_id, session_id, ip, user_agent, reason, actor, id FROM {events}`
)

// Migrations.
const (
	// lockMigrationsSQL serialises migrations of one schema across
	// processes until the transaction ends. The key is the schema's
	// name, hashed in SQL so that every version of this package agrees.
	lockMigrationsSQL = `SELECT pg_advisory_xact_lock(hashtextextended('sessiond.migrate:' || $1, 0))`

	migrationsTableSQL = `CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {migrations} (
	version    integer     PRIMARY KEY,
	name       text        NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

	appliedMigrationsSQL = `SELECT version FROM {migrations}`

	recordMigrationSQL = `INSERT INTO {migrations} (version, name) VALUES ($1, $2)`
)
