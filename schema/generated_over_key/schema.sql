-- generated_over_key: a generated column computed from a key column that
-- would become uuid. PostgreSQL refuses to change the type of a column a
-- generated column uses, so keyshift refuses the plan and preflight fails.

CREATE TABLE shelves (
    id     serial PRIMARY KEY,
    label  text NOT NULL
);

CREATE TABLE books (
    id         serial PRIMARY KEY,
    shelf_id   integer NOT NULL REFERENCES shelves (id),
    title      text NOT NULL,
    aisle      integer GENERATED ALWAYS AS ((shelf_id / 10)) STORED,
    title_len  integer GENERATED ALWAYS AS (length(title)) STORED
);
