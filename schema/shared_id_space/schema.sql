-- shared_id_space: keys that share one id space, the patterns of an
-- accounting schema. Customers, vendors and employees draw their keys from
-- one sequence, so an id names one party wherever it appears; a ledger
-- entry's ref_key has a foreign key to each of them, which only holds
-- because the ids are shared. Organizations are parties whose key is also
-- a foreign key to parties, with the parties' sequence as its default.
-- keyshift must convert each group as one id space: the same integer
-- becomes the same uuid in every member, every foreign key still holds,
-- and rollback restores the shared defaults and the sequence positions.

CREATE SEQUENCE entity_id_seq;

CREATE TABLE customers (
    id bigint PRIMARY KEY DEFAULT nextval('entity_id_seq'),
    name text NOT NULL
);

CREATE TABLE vendors (
    id bigint PRIMARY KEY DEFAULT nextval('entity_id_seq'),
    name text NOT NULL
);

CREATE TABLE employees (
    id bigint PRIMARY KEY DEFAULT nextval('entity_id_seq'),
    name text NOT NULL
);

CREATE TABLE ledger_entries (
    id serial PRIMARY KEY,
    ref_key bigint,
    amount numeric(12, 2) NOT NULL,
    CONSTRAINT ledger_entries_customer FOREIGN KEY (ref_key) REFERENCES customers (id),
    CONSTRAINT ledger_entries_vendor FOREIGN KEY (ref_key) REFERENCES vendors (id),
    CONSTRAINT ledger_entries_employee FOREIGN KEY (ref_key) REFERENCES employees (id)
);
CREATE INDEX ledger_entries_ref_key ON ledger_entries (ref_key);

-- Invoices name a customer only: one more child of the space.
CREATE TABLE invoices (
    id serial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    total numeric(12, 2) NOT NULL
);

CREATE TABLE parties (
    id serial PRIMARY KEY,
    kind text NOT NULL
);

CREATE TABLE organizations (
    id integer PRIMARY KEY DEFAULT nextval('parties_id_seq') REFERENCES parties (id),
    legal_name text NOT NULL
);
