-- fk_actions: one foreign key per referential action, ON DELETE and ON UPDATE.
-- SET DEFAULT needs a default that names an existing parent: parent id 0.
-- Composite foreign keys with SET NULL and SET DEFAULT rewrite both columns.

CREATE TABLE parents (
    id    integer PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE children (
    id                     serial PRIMARY KEY,
    name                   text NOT NULL UNIQUE,
    no_action_parent_id    integer REFERENCES parents ON DELETE NO ACTION ON UPDATE NO ACTION,
    restrict_parent_id     integer REFERENCES parents ON DELETE RESTRICT ON UPDATE RESTRICT,
    cascade_parent_id      integer REFERENCES parents ON DELETE CASCADE ON UPDATE CASCADE,
    set_null_parent_id     integer REFERENCES parents ON DELETE SET NULL ON UPDATE SET NULL,
    set_default_parent_id  integer NOT NULL DEFAULT 0
                           REFERENCES parents ON DELETE SET DEFAULT ON UPDATE SET DEFAULT,
    mixed_parent_id        integer REFERENCES parents (id) ON UPDATE CASCADE ON DELETE SET NULL
);

CREATE INDEX children_cascade_parent_id_idx ON children (cascade_parent_id);
CREATE INDEX children_set_default_parent_id_idx ON children (set_default_parent_id);

CREATE TABLE groups (
    id    serial PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE memberships (
    parent_id  integer NOT NULL REFERENCES parents ON DELETE CASCADE ON UPDATE CASCADE,
    group_id   integer NOT NULL REFERENCES groups ON DELETE CASCADE,
    PRIMARY KEY (parent_id, group_id)
);

CREATE TABLE membership_notes (
    id         serial PRIMARY KEY,
    parent_id  integer DEFAULT 0,
    group_id   integer DEFAULT 1,
    note       text NOT NULL,
    -- deleting the membership keeps the note and clears both columns
    CONSTRAINT membership_notes_membership_fkey FOREIGN KEY (parent_id, group_id)
        REFERENCES memberships (parent_id, group_id)
        ON UPDATE CASCADE ON DELETE SET NULL
);

CREATE TABLE membership_audit (
    id         serial PRIMARY KEY,
    parent_id  integer NOT NULL DEFAULT 0,
    group_id   integer NOT NULL DEFAULT 1,
    event      text NOT NULL,
    -- deleting the membership re-points the row at membership (0, 1)
    CONSTRAINT membership_audit_membership_fkey FOREIGN KEY (parent_id, group_id)
        REFERENCES memberships (parent_id, group_id)
        ON DELETE SET DEFAULT
);
