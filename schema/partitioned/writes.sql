-- partitioned: writes through the uuid keys after the forward migration.

INSERT INTO customers (name) VALUES ('dora');
INSERT INTO coupons (code) VALUES ('AUTUMN');

-- New orders land in a dated partition and in the default one; the parent's
-- foreign key and the partitions' own foreign keys both see uuids now.
INSERT INTO orders (customer_id, coupon_id, placed_at, total)
SELECT c.id, k.id, '2025-09-01 12:00:00+00', 21.00
FROM customers c, coupons k WHERE c.name = 'dora' AND k.code = 'AUTUMN';
INSERT INTO orders (customer_id, coupon_id, placed_at, total)
SELECT c.id, k.id, '2027-01-01 12:00:00+00', 5.00
FROM customers c, coupons k WHERE c.name = 'dora' AND k.code = 'SPRING';

-- An old order moves to the new customer.
UPDATE orders SET customer_id = (SELECT id FROM customers WHERE name = 'dora')
WHERE id = 2;

-- ON DELETE SET NULL declared on one partition only.
DELETE FROM coupons WHERE code = 'SUMMER';

-- The family's key: a new event gets a uuid from the parent's default, and a
-- note references it through the partition's own key.
INSERT INTO events (customer_id, happened_at, kind)
SELECT id, '2024-11-11 00:00:00+00', 'ks-event' FROM customers WHERE name = 'dora';
INSERT INTO event_notes (event_id, body)
SELECT id, 'ks-note' FROM events WHERE kind = 'ks-event';
INSERT INTO events (customer_id, happened_at, kind) VALUES (NULL, '2030-01-01 00:00:00+00', 'ks-later');

-- A composite foreign key into a list-partitioned table.
INSERT INTO accounts (customer_id, region, balance)
SELECT id, 'us', 3 FROM customers WHERE name = 'dora';
INSERT INTO account_limits (customer_id, region, max_amount)
SELECT id, 'us', 30 FROM customers WHERE name = 'dora';

-- The unlogged table.
INSERT INTO sessions (customer_id, token) SELECT id, 'tok-d' FROM customers WHERE name = 'dora';
