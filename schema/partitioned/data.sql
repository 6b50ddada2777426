INSERT INTO customers (id, name) VALUES (1, 'ada'), (2, 'brian'), (3, 'cleo');
SELECT setval(pg_get_serial_sequence('customers', 'id'), 3);

INSERT INTO coupons (id, code) VALUES (10, 'SPRING'), (20, 'SUMMER');
SELECT setval(pg_get_serial_sequence('coupons', 'id'), 20);

-- Rows in every partition, the default one included.
INSERT INTO orders (id, customer_id, coupon_id, placed_at, total) VALUES
    (1, 1, 10,   '2024-03-01 10:00:00+00', 12.50),
    (2, 2, NULL, '2024-07-01 10:00:00+00', 40.00),
    (3, 1, 20,   '2025-02-01 10:00:00+00', 9.99),
    (4, 3, NULL, '2025-05-01 10:00:00+00', 3.00),
    (5, 2, 10,   '2023-12-31 23:00:00+00', 7.00);
SELECT setval(pg_get_serial_sequence('orders', 'id'), 5);

-- Ids are unique across the partitions, as the shared sequence makes them.
INSERT INTO events (id, customer_id, happened_at, kind) VALUES
    (1, 1,    '2024-01-05 00:00:00+00', 'signup'),
    (2, 2,    '2024-02-05 00:00:00+00', 'signup'),
    (3, NULL, '2025-01-05 00:00:00+00', 'audit'),
    (4, 3,    '2026-06-05 00:00:00+00', 'signup');
SELECT setval(pg_get_serial_sequence('events', 'id'), 4);

INSERT INTO event_notes (id, event_id, body) VALUES (1, 1, 'first'), (2, 2, 'second'), (3, 1, 'again');
SELECT setval(pg_get_serial_sequence('event_notes', 'id'), 3);

INSERT INTO accounts (customer_id, region, balance) VALUES
    (1, 'eu', 10), (1, 'us', 5), (2, 'ca', 0), (3, 'eu', 1);

INSERT INTO account_limits (id, customer_id, region, max_amount) VALUES
    (1, 1, 'eu', 100), (2, 2, 'ca', 50);
SELECT setval(pg_get_serial_sequence('account_limits', 'id'), 2);

INSERT INTO sessions (id, customer_id, token) VALUES (1, 1, 'tok-a'), (2, 3, 'tok-c');
SELECT setval(pg_get_serial_sequence('sessions', 'id'), 2);
