-- edge_values: key values and shapes that tidy schemas never have.
--   * accounts uses zero and negative ids, supplied by the application;
--   * ledger's bigserial key holds bigint's least value too, as a
--     sequence started at its MINVALUE hands out;
--   * ledger references accounts with a composite key that mixes a text
--     column (which stays) with the converted id, through a UNIQUE
--     constraint rather than the primary key;
--   * archived_entries is empty;
--   * transfers has a nullable reference that is NULL in every row;
--   * scratch is UNLOGGED.

CREATE TABLE accounts (
    id      integer PRIMARY KEY,
    region  text NOT NULL,
    label   text NOT NULL,
    CONSTRAINT accounts_region_id_key UNIQUE (region, id)
);

CREATE TABLE ledger (
    id          bigserial PRIMARY KEY,
    region      text NOT NULL,
    account_id  integer NOT NULL,
    amount      numeric(12, 2) NOT NULL,
    CONSTRAINT ledger_account_fkey FOREIGN KEY (region, account_id)
        REFERENCES accounts (region, id) ON UPDATE CASCADE
);

CREATE TABLE archived_entries (
    id         serial PRIMARY KEY,
    ledger_id  bigint NOT NULL REFERENCES ledger (id),
    archived   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE transfers (
    id          serial PRIMARY KEY,
    from_id     integer NOT NULL REFERENCES accounts (id),
    reviewer_id integer REFERENCES accounts (id)
);

CREATE UNLOGGED TABLE scratch (
    id          serial PRIMARY KEY,
    account_id  integer REFERENCES accounts (id) ON DELETE CASCADE,
    note        text
);
