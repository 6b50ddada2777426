-- online_shop: writes after cutover, through the uuid keys. Only column
-- names and subqueries reach the converted columns.
-- Times are given, not now(): tests/online_faults.rs compares the rows
-- with the same writes made without a migration.
INSERT INTO customers (email, referred_by, updated_at)
SELECT 'new@example.com', id, '2026-03-01' FROM customers WHERE email = 'c7@example.com';
INSERT INTO orders (customer_id, currency, total_cents, placed_at)
SELECT id, 'EUR', 4200, '2026-03-01' FROM customers WHERE email = 'new@example.com';
INSERT INTO order_lines (order_id, line_no, sku)
SELECT o.id, n, 'sku-new-' || n
FROM orders o JOIN customers c ON c.id = o.customer_id, generate_series(1, 2) AS n
WHERE c.email = 'new@example.com';
INSERT INTO refunds (order_id, cents)
SELECT o.id, 99 FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = 'new@example.com';
UPDATE orders SET customer_id = (SELECT id FROM customers WHERE email = 'new@example.com')
WHERE total_cents = 1000;
DELETE FROM customers WHERE email = 'c200@example.com';
