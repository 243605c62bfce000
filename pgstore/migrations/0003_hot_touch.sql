-- Touches as HOT updates. An UPDATE that changes no indexed column, and
-- finds room on its row's page, is a heap-only tuple: it adds no entry to
-- any index, and its dead versions are pruned off the page by later reads.
-- A touch moved expires_at, which the janitor's index covered, so every
-- touch added an entry to all four indexes of the table, and the lookup
-- behind every request waded through the dead ones until a vacuum.
--
-- The janitor now searches an index of expiry_bin: expires_at rounded
-- down to ten minutes, which a touch changes only when it carries the
-- deadline into the next ten minutes. The janitor's statement keeps its
-- exact condition on expires_at; the bin only narrows the scan. And each
-- page keeps a tenth free, room for one new version of a row: on a full
-- page, the first touch would find no dead version to prune and move the
-- row to another page, an ordinary update. (The fillfactor is set before
-- the column is added, so that the rewrite the new column takes already
-- leaves the room.)
ALTER TABLE sessions SET (fillfactor = 90);

ALTER TABLE sessions ADD COLUMN expiry_bin timestamptz NOT NULL
	GENERATED ALWAYS AS (date_bin('10 minutes', LEAST(idle_expires_at, absolute_expires_at),
		TIMESTAMPTZ '2000-01-01 00:00:00+00')) STORED;

CREATE INDEX sessions_expiry_bin ON sessions (expiry_bin);

DROP INDEX sessions_expires_at;
