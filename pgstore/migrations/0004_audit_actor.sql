-- Who acted, when it was not the user: an operator who ended a user's
-- sessions or disabled them. Events kept before this migration have no
-- actor. With a constant default, adding the column rewrites no row.
ALTER TABLE audit_events ADD COLUMN actor text NOT NULL DEFAULT '';
