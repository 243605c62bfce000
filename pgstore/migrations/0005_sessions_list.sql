-- ListAll: the sessions of users, the latest absolute deadline first, then
-- the greater id (compared as bytes, whatever the database's collation),
-- a page at a time from where the page before ended. Neither column moves
-- on a touch, which stays a heap-only update.
CREATE INDEX sessions_list ON sessions (absolute_expires_at DESC, id COLLATE "C" DESC)
	WHERE user_id <> '';
