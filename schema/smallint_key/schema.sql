-- smallint_key: smallint primary keys (plain and smallserial) referenced by
-- smallint foreign keys, and by integer and bigint foreign keys (PostgreSQL
-- allows an FK column of a different integer type). Each FK must come back
-- with its own original type.

CREATE TABLE sizes (
    id     smallint PRIMARY KEY,
    label  varchar(8) NOT NULL UNIQUE
);

CREATE TABLE colors (
    id     smallserial PRIMARY KEY,
    name   text NOT NULL UNIQUE,
    hex    char(7)
);

CREATE TABLE variants (
    id        serial PRIMARY KEY,
    sku       text NOT NULL UNIQUE,
    size_id   smallint NOT NULL REFERENCES sizes (id),
    color_id  smallint REFERENCES colors (id) ON DELETE SET NULL
);

CREATE INDEX variants_size_color_idx ON variants (size_id, color_id);

-- A legacy table that declared its FKs with wider integer types.
CREATE TABLE legacy_stock (
    id        bigserial PRIMARY KEY,
    size_id   integer NOT NULL REFERENCES sizes (id),
    color_id  bigint REFERENCES colors (id),
    quantity  integer NOT NULL DEFAULT 0
);
