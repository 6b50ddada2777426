-- fixed_ids: CHECK constraints and partial indexes that compare keys with
-- fixed ids ("magic ids") and sentinels, the idiom lookup tables invite.
--   * users: row 1 is the system user, and only it may be marked so;
--   * ticket_kinds: a lookup table whose rows 2 and 3 mean "bug" and
--     "incident";
--   * tickets: a bug must have a priority (a CHECK naming kind 3 ... 2),
--     incidents are indexed apart (an IN list over kinds), a sentinel
--     comparison keeps the system user out of an index (assignee_id > 0),
--     and a reporter other than the system user is indexed with <>.
--   * categories: a tree whose top rows are indexed by a sentinel
--     (parent_id = 0 names no row: COALESCE(parent_id, 0) = 0), and whose
--     names are unique per parent through a sentinel in an index key
--     (COALESCE(parent_id, -1)).

CREATE TABLE users (
    id         serial PRIMARY KEY,
    name       text NOT NULL,
    is_system  boolean NOT NULL DEFAULT false,
    CONSTRAINT users_only_one_system CHECK (id = 1 OR NOT is_system)
);
COMMENT ON CONSTRAINT users_only_one_system ON users IS 'row 1 is the system user';

CREATE TABLE ticket_kinds (
    id    smallserial PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE tickets (
    id           bigserial PRIMARY KEY,
    kind_id      smallint NOT NULL REFERENCES ticket_kinds (id),
    reporter_id  integer NOT NULL REFERENCES users (id),
    assignee_id  integer REFERENCES users (id),
    priority     smallint,
    title        text NOT NULL,
    CONSTRAINT tickets_bugs_have_priority CHECK (kind_id <> 2 OR priority IS NOT NULL),
    CONSTRAINT tickets_assignee_positive CHECK (assignee_id > 0)
);

CREATE INDEX tickets_incidents ON tickets (reporter_id) WHERE kind_id IN (3, 4);
CREATE INDEX tickets_by_people ON tickets (reporter_id) WHERE reporter_id <> 1;
COMMENT ON INDEX tickets_by_people IS 'tickets not filed by the system user';
CREATE UNIQUE INDEX tickets_one_open_bug_per_assignee ON tickets (assignee_id)
    WHERE kind_id = 2 AND priority = 1 AND assignee_id > 0;

CREATE TABLE categories (
    id         serial PRIMARY KEY,
    parent_id  integer REFERENCES categories (id),
    name       text NOT NULL
);
CREATE UNIQUE INDEX categories_top_names ON categories (name) WHERE COALESCE(parent_id, 0) = 0;
CREATE UNIQUE INDEX categories_unique_name ON categories (COALESCE(parent_id, -1), name DESC);

-- A policy that hides the system user's tickets and refuses outages
-- (kind 4) written through it.
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tickets_without_system ON tickets
    USING (reporter_id <> 1)
    WITH CHECK (kind_id <> 4);
