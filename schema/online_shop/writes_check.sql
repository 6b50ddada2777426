-- After rollback: the rows written through the uuids kept their links
-- under fresh integer ids.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT r.email FROM customers n JOIN customers r ON r.id = n.referred_by WHERE n.email = 'new@example.com') = 'c7@example.com',
    'the new customer is referred by c7');
SELECT pg_temp.ks_assert(
    (SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id
     WHERE c.email = 'new@example.com' AND l.sku LIKE 'sku-new-%') = 2,
    'the new order has its two lines');
SELECT pg_temp.ks_assert(
    (SELECT c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total_cents = 1000) = 'new@example.com',
    'the moved order belongs to the new customer');
SELECT pg_temp.ks_assert(
    (SELECT count(*) FROM refunds f JOIN orders o ON o.id = f.order_id JOIN customers c ON c.id = o.customer_id
     WHERE c.email = 'new@example.com' AND f.cents = 99) = 1,
    'the new refund points at the new order');
SELECT pg_temp.ks_assert(NOT EXISTS (SELECT 1 FROM customers WHERE email = 'c200@example.com'), 'c200 stays deleted');
SELECT pg_temp.ks_assert(
    (SELECT max(id) FROM customers) = (SELECT last_value FROM customers_id_seq),
    'the customers sequence continues after the fresh ids');
