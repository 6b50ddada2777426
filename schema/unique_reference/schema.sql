-- unique_reference: foreign keys that must NOT be converted.
--   products has an integer PK (converted) and also an integer legacy_code with
--   a UNIQUE constraint; legacy_orders.product_code references legacy_code and
--   stays integer.
--   currencies has a text PK and api_clients a uuid PK; both are left alone,
--   and so are the FKs that reference them.

CREATE TABLE products (
    id           serial PRIMARY KEY,
    legacy_code  integer NOT NULL,
    name         text NOT NULL,
    CONSTRAINT products_legacy_code_key UNIQUE (legacy_code)
);

CREATE TABLE legacy_orders (
    id            serial PRIMARY KEY,
    product_code  integer NOT NULL REFERENCES products (legacy_code) ON UPDATE CASCADE,
    quantity      integer NOT NULL DEFAULT 1,
    note          text
);

CREATE TABLE currencies (
    code  char(3) PRIMARY KEY,
    name  text NOT NULL
);

CREATE TABLE prices (
    id             serial PRIMARY KEY,
    product_id     integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    currency_code  char(3) NOT NULL REFERENCES currencies (code),
    amount         numeric(12, 2) NOT NULL,
    UNIQUE (product_id, currency_code)
);

CREATE TABLE api_clients (
    id    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name  text NOT NULL UNIQUE
);

CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    client_id   uuid NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    product_id  integer REFERENCES products (id),
    key_hash    text NOT NULL UNIQUE
);
