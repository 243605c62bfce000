-- A data write in one single-row UPDATE. token_set is the SHA-256 of the
-- session's token hashes, current and retired, sorted: an Update whose
-- hashes are those already indexed (every data write) matches it and
-- rewrites the row alone, a heap-only update that leaves session_tokens
-- untouched; any other Update (a rotation) re-indexes the hashes and sets
-- it. A row written before this migration has none, and its next Update
-- takes the re-indexing path once.
ALTER TABLE sessions ADD COLUMN token_set bytea;
