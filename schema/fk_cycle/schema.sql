-- fk_cycle: stores and staff reference each other.
-- staff.store_id is NOT NULL; stores.manager_id is nullable and deferrable, so a
-- store and its manager can be created in one transaction in either order.
-- sales references both sides of the cycle.

CREATE TABLE stores (
    id          serial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    manager_id  integer,
    opened_on   date NOT NULL DEFAULT current_date
);

CREATE TABLE staff (
    id        serial PRIMARY KEY,
    store_id  integer NOT NULL REFERENCES stores (id),
    name      text NOT NULL,
    email     text UNIQUE
);

ALTER TABLE stores
    ADD CONSTRAINT stores_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES staff (id)
    ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;

CREATE UNIQUE INDEX stores_manager_id_key ON stores (manager_id);
CREATE INDEX staff_store_id_idx ON staff (store_id);

CREATE TABLE sales (
    id        bigserial PRIMARY KEY,
    store_id  integer NOT NULL REFERENCES stores (id),
    staff_id  integer REFERENCES staff (id) ON DELETE SET NULL,
    amount    numeric(10, 2) NOT NULL,
    sold_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sales_store_staff_idx ON sales (store_id, staff_id);
