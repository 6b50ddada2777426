-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

-- True when the sequence behind tbl.col (serial, identity, OWNED BY, or a
-- plain DEFAULT nextval('…')) would hand out a value above every value already
-- in the column.
CREATE FUNCTION pg_temp.ks_seq_ahead(tbl regclass, col text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    seq    regclass;
    lv     bigint;
    called boolean;
    inc    bigint;
    mx     bigint;
BEGIN
    seq := pg_get_serial_sequence(tbl::text, col)::regclass;
    IF seq IS NULL THEN
        SELECT replace(substring(pg_get_expr(d.adbin, d.adrelid) FROM '^nextval\(''(.*)''::regclass\)$'), '''''', '''')::regclass
        INTO seq
        FROM pg_attrdef d
        JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE d.adrelid = tbl AND a.attname = col;
    END IF;
    IF seq IS NULL THEN
        RAISE EXCEPTION 'writes_check failed: no sequence behind %.%', tbl, col;
    END IF;
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO lv, called;
    SELECT seqincrement INTO inc FROM pg_sequence WHERE seqrelid = seq;
    EXECUTE format('SELECT max(%I)::bigint FROM %s', col, tbl) INTO mx;
    RETURN mx IS NULL OR (CASE WHEN called THEN lv + inc ELSE lv END) > mx;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM stores s JOIN staff m ON m.id = s.manager_id AND m.store_id = s.id
     WHERE s.name = 'ks-store' AND m.name = 'ks-manager'
       AND s.id IS NOT NULL AND s.id NOT IN (1, 2, 3) AND m.id NOT IN (10, 11, 20, 21, 30)),
    'ks-store and ks-manager no longer reference each other');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM staff st JOIN stores s ON s.id = st.store_id
     WHERE st.name = 'ks-clerk' AND s.name = 'ks-store' AND st.id NOT IN (10, 11, 20, 21, 30)),
    'ks-clerk lost its store');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM staff st JOIN stores s ON s.id = st.store_id
     WHERE st.name = 'ks-airport-clerk' AND s.name = 'Airport' AND s.id = 2),
    'ks-airport-clerk lost its store');

SELECT pg_temp.ks_assert(
    (SELECT count(DISTINCT id) = 3 FROM staff WHERE name IN ('ks-manager', 'ks-clerk', 'ks-airport-clerk')),
    'new staff ids are not distinct');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM stores s JOIN staff m ON m.id = s.manager_id AND m.store_id = s.id
     WHERE s.id = 3 AND s.name = 'Outlet' AND m.id = 21 AND m.name = 'Bob Clerk'),
    'Outlet / Bob Clerk update lost');

SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, manager_id] ORDER BY id) FROM stores WHERE id IN (1, 2))
    = ARRAY[[1, 10], [2, 20]],
    'seeded store managers changed');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM sales x
     JOIN stores s ON s.id = x.store_id
     JOIN staff st ON st.id = x.staff_id
     WHERE x.amount = 42.42 AND s.name = 'ks-store' AND st.name = 'ks-clerk' AND x.id NOT BETWEEN 1 AND 4),
    'new sale lost its store or staff');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM sales x JOIN stores s ON s.id = x.store_id
     WHERE x.amount = 0.42 AND x.staff_id IS NULL AND s.name = 'Downtown' AND x.id NOT BETWEEN 1 AND 4),
    'new staff-less sale wrong');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM sales x JOIN staff st ON st.id = x.staff_id
     WHERE x.id = 3 AND x.store_id = 2 AND st.name = 'ks-airport-clerk'),
    'sale 3 was not re-attributed');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('stores', 'id'), 'stores sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('staff', 'id'), 'staff sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('sales', 'id'), 'sales sequence behind');
