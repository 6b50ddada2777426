-- self_reference: tables whose foreign keys point back at themselves.
-- employees: a four-level management chain plus a second self-reference (mentor).
-- categories: a tree whose root row references itself.
-- Keys here include negative and zero values.

CREATE TABLE employees (
    id          integer PRIMARY KEY,
    full_name   text NOT NULL,
    title       text NOT NULL,
    manager_id  integer REFERENCES employees (id) ON DELETE SET NULL,
    mentor_id   integer,
    hired_on    date NOT NULL DEFAULT current_date,
    CONSTRAINT employees_mentor_fk FOREIGN KEY (mentor_id) REFERENCES employees (id),
    CONSTRAINT employees_not_own_manager CHECK (manager_id IS DISTINCT FROM id)
);

CREATE INDEX employees_manager_id_idx ON employees (manager_id);

CREATE TABLE categories (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    parent_id  bigint REFERENCES categories (id) ON DELETE CASCADE,
    sort_key   integer NOT NULL DEFAULT 0
);

CREATE INDEX categories_parent_id_idx ON categories (parent_id) WHERE parent_id IS NOT NULL;
