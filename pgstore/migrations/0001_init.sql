-- Sessions, their token index and audit events. Runs with search_path set
-- to the store's schema.

-- One row per session. rec is the whole record as
-- sessiond.Record.MarshalBinary encodes it (its Data sealed by the
-- Manager); the other columns are what the store indexes or touches.
-- Touch moves last_seen_at and idle_expires_at without rewriting rec, and
-- reads overlay them onto the decoded record.
CREATE TABLE sessions (
	id                  text        PRIMARY KEY,
	user_id             text        NOT NULL,
	version             bigint      NOT NULL,
	last_seen_at        timestamptz NOT NULL,
	idle_expires_at     timestamptz NOT NULL,
	absolute_expires_at timestamptz NOT NULL,
	expires_at          timestamptz NOT NULL
		GENERATED ALWAYS AS (LEAST(idle_expires_at, absolute_expires_at)) STORED,
	rec                 bytea       NOT NULL
);

-- ListUser; anonymous sessions are never listed, so never indexed.
CREATE INDEX sessions_user_id ON sessions (user_id) WHERE user_id <> '';

-- The janitor's search for expired sessions.
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Every token hash, current or retired, that leads to a session. The
-- primary key is the unique index that makes a hash lead to one session
-- only.
CREATE TABLE session_tokens (
	hash       bytea PRIMARY KEY CHECK (length(hash) = 32),
	session_id text  NOT NULL REFERENCES sessions (id) ON DELETE CASCADE
);

-- The cascade from sessions and Update's re-indexing.
CREATE INDEX session_tokens_session_id ON session_tokens (session_id);

-- Audit events, newest first by (time, id).
CREATE TABLE audit_events (
	id         bigserial   PRIMARY KEY,
	time       timestamptz NOT NULL,
	type       text        NOT NULL,
	user_id    text        NOT NULL,
	session_id text        NOT NULL,
	ip         text        NOT NULL,
	user_agent text        NOT NULL,
	reason     text        NOT NULL,
	event_id   text        NOT NULL
);

CREATE INDEX audit_events_user ON audit_events (user_id, time DESC, id DESC);
CREATE INDEX audit_events_session ON audit_events (session_id, time DESC, id DESC);
CREATE INDEX audit_events_type ON audit_events (type, time DESC, id DESC);
-- Retention by age, and queries with no condition.
CREATE INDEX audit_events_time ON audit_events (time);
