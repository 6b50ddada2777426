-- partial_index: indexes on foreign-key columns of every shape a migration has
-- to rebuild: partial, multi-column, unique partial, INCLUDE, expression, DESC.

CREATE TABLE users (
    id      serial PRIMARY KEY,
    handle  text NOT NULL UNIQUE
);

CREATE TABLE projects (
    id        serial PRIMARY KEY,
    name      text NOT NULL UNIQUE,
    owner_id  integer NOT NULL REFERENCES users (id)
);

CREATE TABLE tickets (
    id           bigserial PRIMARY KEY,
    project_id   integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    reporter_id  integer NOT NULL REFERENCES users (id),
    assignee_id  integer REFERENCES users (id) ON DELETE SET NULL,
    title        text NOT NULL,
    status       text NOT NULL DEFAULT 'open',
    priority     smallint NOT NULL DEFAULT 3,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tickets_status_check CHECK (status IN ('draft', 'open', 'closed'))
);

-- partial on IS NOT NULL
CREATE INDEX tickets_assignee_id_idx ON tickets (assignee_id) WHERE assignee_id IS NOT NULL;
-- partial on a non-key column
CREATE INDEX tickets_open_by_project_idx ON tickets (project_id) WHERE status = 'open';
-- multi-column, FK first, with DESC
CREATE INDEX tickets_project_status_created_idx ON tickets (project_id, status, created_at DESC);
-- multi-column with the FK in second place
CREATE INDEX tickets_priority_reporter_idx ON tickets (priority, reporter_id);
-- INCLUDE: an FK in the key and another in the payload
CREATE INDEX tickets_reporter_include_idx ON tickets (reporter_id) INCLUDE (title, project_id);
-- expression over two converted columns, and a predicate comparing two of them
CREATE INDEX tickets_responsible_idx ON tickets ((coalesce(assignee_id, reporter_id)));
CREATE INDEX tickets_delegated_idx ON tickets (assignee_id, reporter_id)
    WHERE assignee_id IS DISTINCT FROM reporter_id;
-- at most one draft per reporter and project
CREATE UNIQUE INDEX tickets_one_draft_idx ON tickets (reporter_id, project_id) WHERE status = 'draft';

CREATE TABLE user_emails (
    id          serial PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       text NOT NULL,
    is_primary  boolean NOT NULL DEFAULT false
);

-- one primary email per user: a unique partial index on an FK column
CREATE UNIQUE INDEX user_emails_one_primary_idx ON user_emails (user_id) WHERE is_primary;
CREATE UNIQUE INDEX user_emails_email_idx ON user_emails (lower(email));
