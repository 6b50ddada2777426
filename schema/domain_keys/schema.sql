-- domain_keys: keys typed with domains over integer types. Forward turns
-- them into plain uuid; rollback must give each column its domain back,
-- not the integer type under it.
--   * account_id is a domain over bigint with a CHECK constraint;
--   * owner_ref is a domain over another domain (positive_int over integer);
--   * "Região" is a quoted, mixed-case domain name in its own schema;
--   * label is a domain over text and stays.

CREATE DOMAIN account_id AS bigint CONSTRAINT account_id_positive CHECK (VALUE > 0);
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE DOMAIN owner_ref AS positive_int;
CREATE DOMAIN label AS text NOT NULL;

CREATE SCHEMA geo;
CREATE DOMAIN geo."Região" AS smallint;

CREATE TABLE geo.regions (
    id    geo."Região" PRIMARY KEY,
    name  label
);

CREATE TABLE accounts (
    id         account_id PRIMARY KEY,
    region_id  geo."Região" REFERENCES geo.regions (id),
    name       label
);

CREATE TABLE projects (
    id        serial PRIMARY KEY,
    owner_id  owner_ref NOT NULL REFERENCES accounts (id),
    backup    account_id REFERENCES accounts (id) ON DELETE SET NULL,
    title     label
);
