-- Partition trees (issue 4): foreign keys declared on a partitioned parent
-- (PostgreSQL clones them onto each partition) and on single partitions
-- (as pagila does), a default partition, a serial key on a partitioned
-- table routed by a timestamp, a partitioned table that is referenced, and
-- an unlogged table. One partition is partitioned itself.

CREATE TABLE customers (
    id serial PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE coupons (
    id bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE
);

-- The primary key must contain the partition key, so orders.id is part of a
-- composite key and stays an integer; customer_id (FK on the parent) and
-- coupon_id (FKs on two partitions only) hold converted keys.
CREATE TABLE orders (
    id bigserial,
    customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    coupon_id bigint,
    placed_at timestamptz NOT NULL,
    total numeric(10, 2) NOT NULL,
    PRIMARY KEY (id, placed_at)
) PARTITION BY RANGE (placed_at);

CREATE TABLE orders_2024 PARTITION OF orders
    FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE orders_2025 PARTITION OF orders
    FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE TABLE orders_default PARTITION OF orders DEFAULT;

ALTER TABLE ONLY orders_2024
    ADD CONSTRAINT orders_2024_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id);
ALTER TABLE ONLY orders_2025
    ADD CONSTRAINT orders_2025_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) ON DELETE SET NULL;

CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_2025_coupon_id_idx ON orders_2025 (coupon_id) WHERE coupon_id IS NOT NULL;

-- A serial key on a partitioned table routed by a timestamp, without a key
-- on the parent: each partition has its own primary key on id, so the key
-- is the family's, with one map over every partition.
CREATE TABLE events (
    id serial NOT NULL,
    customer_id integer REFERENCES customers (id),
    happened_at timestamptz NOT NULL,
    kind text NOT NULL
) PARTITION BY RANGE (happened_at);

CREATE TABLE events_2024 PARTITION OF events
    FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE events_rest PARTITION OF events DEFAULT;

ALTER TABLE ONLY events_2024 ADD CONSTRAINT events_2024_pkey PRIMARY KEY (id);
ALTER TABLE ONLY events_rest ADD CONSTRAINT events_rest_pkey PRIMARY KEY (id);

-- References a partition's own key.
CREATE TABLE event_notes (
    id serial PRIMARY KEY,
    event_id integer NOT NULL REFERENCES events_2024 (id) ON DELETE CASCADE,
    body text NOT NULL
);

-- A list-partitioned table whose key includes a converted column, and a
-- composite foreign key that references the partitioned table itself.
CREATE TABLE accounts (
    customer_id integer NOT NULL REFERENCES customers (id),
    region text NOT NULL,
    balance numeric(10, 2) NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, region)
) PARTITION BY LIST (region);

CREATE TABLE accounts_eu PARTITION OF accounts FOR VALUES IN ('eu');
-- Partitioned again: the middle level holds no rows of its own either.
CREATE TABLE accounts_us PARTITION OF accounts FOR VALUES IN ('us', 'ca') PARTITION BY LIST (region);
CREATE TABLE accounts_us_us PARTITION OF accounts_us FOR VALUES IN ('us');
CREATE TABLE accounts_us_ca PARTITION OF accounts_us FOR VALUES IN ('ca');

CREATE TABLE account_limits (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL,
    region text NOT NULL,
    max_amount numeric(10, 2) NOT NULL,
    FOREIGN KEY (customer_id, region) REFERENCES accounts (customer_id, region) ON UPDATE CASCADE
);

-- Unlogged: rewritten like any other table.
CREATE UNLOGGED TABLE sessions (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    token text NOT NULL
);
