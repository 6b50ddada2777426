-- surrogate_key: keyshift.toml gives project_members (composite key of two
-- converted foreign keys) a surrogate uuid key; assignments and
-- time_entries reference the composite key and are repointed, one of them
-- through two foreign keys that share a column.

CREATE TABLE members (
    id serial PRIMARY KEY,
    handle text NOT NULL UNIQUE
);

CREATE TABLE projects (
    id serial PRIMARY KEY,
    code text NOT NULL UNIQUE
);

CREATE TABLE project_members (
    project_id integer NOT NULL REFERENCES projects (id),
    member_id integer NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role text NOT NULL,
    PRIMARY KEY (project_id, member_id)
);

CREATE TABLE assignments (
    id serial PRIMARY KEY,
    project_id integer NOT NULL,
    member_id integer NOT NULL,
    task text NOT NULL,
    FOREIGN KEY (project_id, member_id) REFERENCES project_members (project_id, member_id) ON DELETE CASCADE
);

CREATE TABLE time_entries (
    id serial PRIMARY KEY,
    project_id integer NOT NULL,
    member_id integer NOT NULL,
    approver_id integer,
    minutes integer NOT NULL,
    note text NOT NULL,
    CONSTRAINT time_entries_worker_fkey FOREIGN KEY (project_id, member_id)
        REFERENCES project_members (project_id, member_id),
    CONSTRAINT time_entries_approver_fkey FOREIGN KEY (project_id, approver_id)
        REFERENCES project_members (project_id, member_id)
);
