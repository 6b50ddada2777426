-- A table definition keyshift cannot parse must stop generation with the
-- file, line and column, never be skipped.
CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL
);

CREATE TABLE journals (
    id serial PRIMARY KEY,
    user_id integer REFERENCES users (id),
    title text NOT NULL DEFAULT ('untitled'
);
