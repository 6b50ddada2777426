-- non_public_schema: tables live in schemas app and billing, with a
-- cross-schema FK, a same-named table (events) in both schemas, and a
-- public.accounts that shares its name (and its sequence name) with
-- app.accounts, so that any unqualified name resolves to the wrong table.

CREATE SCHEMA app;
CREATE SCHEMA billing;

-- A decoy in public: same table name, same column names, same sequence name.
CREATE TABLE public.accounts (
    id    serial PRIMARY KEY,
    name  text NOT NULL
);

CREATE TABLE app.accounts (
    id          serial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app.events (
    id          bigserial PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES app.accounts (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    payload     jsonb
);

CREATE INDEX events_account_id_idx ON app.events (account_id);

CREATE TABLE billing.invoices (
    id          serial PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES app.accounts (id) ON DELETE RESTRICT,
    number      text NOT NULL UNIQUE,
    total       numeric(12, 2) NOT NULL DEFAULT 0
);

CREATE INDEX invoices_account_id_idx ON billing.invoices (account_id);

-- Same table name and same index name as in app.
CREATE TABLE billing.events (
    id          serial PRIMARY KEY,
    invoice_id  integer NOT NULL REFERENCES billing.invoices (id) ON DELETE CASCADE,
    account_id  integer REFERENCES app.accounts (id),
    kind        text NOT NULL
);

CREATE INDEX events_account_id_idx ON billing.events (account_id);

-- public -> billing: a public table referencing a non-public one.
CREATE TABLE public.notes (
    id          serial PRIMARY KEY,
    invoice_id  integer REFERENCES billing.invoices (id),
    account_id  integer REFERENCES public.accounts (id),
    body        text NOT NULL
);
