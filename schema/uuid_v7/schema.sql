-- Version 7 keys (keyshift.toml: uuid = "v7"): accounts take each key's
-- time from created_at, labels (no time column) follow their old ids.
CREATE TABLE accounts (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE labels (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE notes (
    id bigserial PRIMARY KEY,
    account_id integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    label_id bigint REFERENCES labels (id),
    written_at timestamp without time zone,
    body text NOT NULL
);
CREATE INDEX notes_account_id_idx ON notes (account_id);
