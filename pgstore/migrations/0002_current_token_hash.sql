-- The current token hash on the session's own row, so that the lookup
-- behind every request reads one index of one table. session_tokens still
-- indexes every hash, current and retired, and keeps each leading to one
-- session. A row written before this migration has no token_hash until its
-- next Update (a rotation, a data change) and is found through
-- session_tokens until then.
ALTER TABLE sessions ADD COLUMN token_hash bytea CHECK (length(token_hash) = 32);

CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
