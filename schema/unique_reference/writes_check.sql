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

SELECT pg_temp.ks_assert((SELECT id NOT IN (1, 2, 3) AND legacy_code = 9100 FROM products WHERE name = 'ks-doohickey'),
    'ks-doohickey missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM legacy_orders o JOIN products p ON p.legacy_code = o.product_code
     WHERE o.note = 'ks-order' AND o.product_code = 9100 AND p.name = 'ks-doohickey' AND o.id NOT IN (1, 2, 3)),
    'ks-order lost its product (by legacy_code)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM prices x JOIN products p ON p.id = x.product_id
     WHERE x.amount = 12.34 AND x.currency_code = 'EUR' AND p.name = 'ks-doohickey' AND x.id NOT BETWEEN 1 AND 4),
    'ks price lost its product');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM api_keys k
     JOIN api_clients c ON c.id = k.client_id
     JOIN products p ON p.id = k.product_id
     WHERE k.key_hash = 'ks-hash' AND c.name = 'ks-client' AND p.name = 'ks-doohickey' AND k.id NOT IN (1, 2)),
    'ks api key lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM legacy_orders WHERE id = 3 AND product_code = 9102),
    'ON UPDATE CASCADE on legacy_code did not reach legacy order 3');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM prices x JOIN products p ON p.id = x.product_id
     WHERE x.id = 4 AND x.currency_code = 'JPY' AND p.name = 'ks-doohickey'),
    'price 4 update lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM api_keys WHERE id = 1 AND key_hash = 'hash-mobile' AND product_id = 3
       AND client_id = '00000000-0000-4000-8000-000000000001'),
    'api key 1 update lost (or its uuid client changed)');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, product_code] ORDER BY id) FROM legacy_orders WHERE id IN (1, 2))
    = ARRAY[[1, 9001], [2, 1]],
    'seeded legacy orders changed');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(id::text ORDER BY id) FROM api_clients WHERE name IN ('mobile app', 'partner'))
    = ARRAY['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
    'uuid keys of api_clients changed');

-- the columns that were never converted keep their types
SELECT pg_temp.ks_assert(
    (SELECT array_agg(format('%s.%s:%s', attrelid::regclass, attname, format_type(atttypid, atttypmod))
                      ORDER BY attrelid::regclass::text COLLATE "C", attname)
     FROM pg_attribute
     WHERE (attrelid, attname) IN (('products'::regclass, 'legacy_code'), ('legacy_orders'::regclass, 'product_code'),
                                   ('prices'::regclass, 'currency_code'), ('api_keys'::regclass, 'client_id'),
                                   ('api_clients'::regclass, 'id'), ('currencies'::regclass, 'code')))
    = ARRAY['api_clients.id:uuid', 'api_keys.client_id:uuid', 'currencies.code:character(3)',
            'legacy_orders.product_code:integer', 'prices.currency_code:character(3)', 'products.legacy_code:integer'],
    'columns outside the conversion changed type');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('products', 'id'), 'products sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('legacy_orders', 'id'), 'legacy_orders sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('prices', 'id'), 'prices sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('api_keys', 'id'), 'api_keys sequence behind');
