-- composite_fk: project_members has a composite primary key made of two
-- converted foreign keys, declared in an order (project_id, member_id) that
-- differs from the table's column order (member_id, project_id).
-- Other tables reference it with composite foreign keys:
--   assignments lists the referenced columns in the other order
--   (member_id, project_id), and its own columns are named so that their
--   alphabetical order (proj_ref, who_ref) differs from the FK order (who_ref, proj_ref);
--   time_entries omits the column list and so follows the PK order.

CREATE TABLE projects (
    project_id  serial PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    title       text NOT NULL
);

CREATE TABLE members (
    member_id  integer PRIMARY KEY,
    handle     text NOT NULL UNIQUE
);

CREATE TABLE project_members (
    member_id   integer NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
    project_id  integer NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    role        text NOT NULL DEFAULT 'contributor',
    joined_on   date NOT NULL DEFAULT current_date,
    CONSTRAINT project_members_pkey PRIMARY KEY (project_id, member_id)
);

CREATE INDEX project_members_member_id_idx ON project_members (member_id);

CREATE TABLE assignments (
    id        serial PRIMARY KEY,
    task      text NOT NULL,
    proj_ref  integer NOT NULL,
    who_ref   integer NOT NULL,
    due_on    date,
    CONSTRAINT assignments_member_fkey FOREIGN KEY (who_ref, proj_ref)
        REFERENCES project_members (member_id, project_id) ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX assignments_who_proj_idx ON assignments (who_ref, proj_ref);

CREATE TABLE time_entries (
    entry_id    bigserial PRIMARY KEY,
    project_id  integer NOT NULL,
    member_id   integer NOT NULL,
    -- a second, nullable composite FK: who approved, on the same project
    approver_id integer,
    minutes     integer NOT NULL CHECK (minutes > 0),
    note        text,
    FOREIGN KEY (project_id, member_id) REFERENCES project_members,
    CONSTRAINT time_entries_approver_fkey FOREIGN KEY (approver_id, project_id)
        REFERENCES project_members (member_id, project_id)
);
