-- online_shop: the smallest schema that exercises online mode's change
-- capture: a composite primary key holding a converted column (the log
-- records it, the copy is found through the map), a self-reference, a
-- foreign key to a table that keeps its key, a view and a trigger
-- recreated at cutover, a NOT VALID foreign key that stays NOT VALID,
-- a CHECK constraint, and a table with autovacuum settings of its own,
-- which its copy gets back at cutover (it runs without autovacuum until
-- then).

CREATE TABLE currencies (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    referred_by bigint REFERENCES customers (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    currency text NOT NULL REFERENCES currencies (code),
    total_cents integer NOT NULL CHECK (total_cents >= 0),
    placed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id ON orders (customer_id);

CREATE TABLE order_lines (
    order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no smallint NOT NULL,
    sku text NOT NULL,
    quantity integer NOT NULL DEFAULT 1,
    PRIMARY KEY (order_id, line_no)
) WITH (fillfactor = 90, autovacuum_enabled = false, toast.autovacuum_enabled = true);

CREATE TABLE refunds (
    id bigserial PRIMARY KEY,
    order_id integer NOT NULL,
    cents integer NOT NULL
);
ALTER TABLE refunds ADD CONSTRAINT refunds_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;

CREATE VIEW customer_totals AS
    SELECT c.id AS customer_id, c.email, count(o.id) AS orders, coalesce(sum(o.total_cents), 0) AS cents
    FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
    GROUP BY c.id, c.email;

CREATE FUNCTION touch_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TRIGGER customers_touch BEFORE UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION touch_customer();
