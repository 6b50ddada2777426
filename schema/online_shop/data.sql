INSERT INTO currencies VALUES ('EUR', 'Euro'), ('USD', 'US dollar');
INSERT INTO customers (email, referred_by, updated_at)
SELECT 'c' || i || '@example.com', CASE WHEN i > 1 THEN (i - 1) / 2 + 1 END, '2026-01-01'
FROM generate_series(1, 200) AS i;
INSERT INTO orders (customer_id, currency, total_cents, placed_at)
SELECT 1 + i % 200, CASE WHEN i % 3 = 0 THEN 'USD' ELSE 'EUR' END, i * 100, '2026-02-01'
FROM generate_series(1, 600) AS i;
INSERT INTO order_lines (order_id, line_no, sku, quantity)
SELECT o, l, 'sku-' || (o * l) % 97, l FROM generate_series(1, 600) AS o, generate_series(1, 3) AS l;
-- The foreign key of refunds is NOT VALID, and stays so.
INSERT INTO refunds (order_id, cents) VALUES (5, 100), (600, 250);
