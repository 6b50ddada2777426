-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

-- True when the sequence behind tbl.col would hand out a value above every
-- value already in the column (of every partition, for a partitioned table).
CREATE FUNCTION pg_temp.ks_seq_ahead(tbl regclass, col text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    seq    regclass;
    lv     bigint;
    called boolean;
    mx     bigint;
BEGIN
    seq := pg_get_serial_sequence(tbl::text, col)::regclass;
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO lv, called;
    EXECUTE format('SELECT max(%I)::bigint FROM %s', col, tbl) INTO mx;
    RETURN mx IS NULL OR (CASE WHEN called THEN lv + 1 ELSE lv END) > mx;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT id NOT IN (1, 2, 3) FROM customers WHERE name = 'dora'),
    'dora missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT id NOT IN (10, 20) FROM coupons WHERE code = 'AUTUMN'),
    'AUTUMN missing or has a seeded id');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM ONLY orders_2025 o
     JOIN customers c ON c.id = o.customer_id AND c.name = 'dora'
     JOIN coupons k ON k.id = o.coupon_id AND k.code = 'AUTUMN'),
    'dora''s 2025 order lost its customer or coupon');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM ONLY orders_default o
     JOIN customers c ON c.id = o.customer_id AND c.name = 'dora'
     WHERE o.coupon_id = 10 AND o.placed_at = '2027-01-01 12:00:00+00'),
    'dora''s order in the default partition lost its customer or coupon');
SELECT pg_temp.ks_assert(
    (SELECT c.name = 'dora' FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = 2),
    'order 2 does not point at dora');
SELECT pg_temp.ks_assert(
    (SELECT coupon_id IS NULL FROM orders WHERE id = 3),
    'order 3 should have lost its deleted coupon');
SELECT pg_temp.ks_assert(
    (SELECT coupon_id = 10 FROM orders WHERE id = 5),
    'order 5 in the default partition lost its coupon');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 7 FROM orders),
    'orders has the wrong number of rows');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM ONLY events_2024 e
     JOIN customers c ON c.id = e.customer_id AND c.name = 'dora'
     JOIN event_notes n ON n.event_id = e.id AND n.body = 'ks-note'
     WHERE e.kind = 'ks-event' AND e.id NOT IN (1, 2, 3, 4)),
    'the new event lost its customer or its note, or reuses a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM ONLY events_rest WHERE kind = 'ks-later' AND id NOT IN (1, 2, 3, 4)),
    'the new event in the default partition is missing or reuses a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(DISTINCT id) = 6 FROM events),
    'event ids are not unique across the partitions');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(event_id ORDER BY id) = '{1,2,1}' FROM event_notes WHERE id <= 3),
    'seeded event notes lost their events');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM account_limits l
     JOIN ONLY accounts_us_us a ON a.customer_id = l.customer_id AND a.region = l.region
     JOIN customers c ON c.id = a.customer_id AND c.name = 'dora'),
    'dora''s account limit lost its account');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM sessions s JOIN customers c ON c.id = s.customer_id
     WHERE c.name = 'dora' AND s.token = 'tok-d'),
    'dora''s session lost its customer');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('customers', 'id'), 'customers_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('coupons', 'id'), 'coupons_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('events', 'id'), 'events_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('event_notes', 'id'), 'event_notes_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('account_limits', 'id'), 'account_limits_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('sessions', 'id'), 'sessions_id_seq is behind');
