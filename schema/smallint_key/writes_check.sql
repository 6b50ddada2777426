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

SELECT pg_temp.ks_assert((SELECT id NOT IN (-1, 1, 2, 3, 255) FROM sizes WHERE label = 'ks-XL'),
    'ks-XL missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT id NOT IN (1, 2, 3) FROM colors WHERE name = 'ks-teal'),
    'ks-teal missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM variants v JOIN sizes s ON s.id = v.size_id JOIN colors c ON c.id = v.color_id
     WHERE v.sku = 'ks-TS-XL-TEAL' AND s.label = 'ks-XL' AND c.name = 'ks-teal' AND v.id NOT BETWEEN 1 AND 5),
    'ks variant lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM legacy_stock l JOIN sizes s ON s.id = l.size_id JOIN colors c ON c.id = l.color_id
     WHERE l.quantity = 99 AND s.label = 'ks-XL' AND c.name = 'ks-teal' AND l.id NOT IN (1, 2, 3)),
    'ks legacy stock lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM variants v JOIN colors c ON c.id = v.color_id
     WHERE v.id = 3 AND v.sku = 'TS-L' AND v.size_id = 3 AND c.name = 'ks-teal'),
    'TS-L update lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM legacy_stock l JOIN sizes s ON s.id = l.size_id
     WHERE l.id = 2 AND s.label = 'ks-XL' AND l.color_id IS NULL),
    'legacy stock 2 update lost');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, size_id, coalesce(color_id, 0)] ORDER BY id) FROM variants WHERE id IN (1, 2, 4, 5))
    = ARRAY[[1, 1, 1], [2, 2, 1], [4, 255, 3], [5, -1, 0]],
    'seeded variants changed');

-- Each column is back to its own integer type.
SELECT pg_temp.ks_assert(
    (SELECT array_agg(format('%s.%s:%s', attrelid::regclass, attname, format_type(atttypid, atttypmod))
                      ORDER BY attrelid::regclass::text COLLATE "C", attname)
     FROM pg_attribute
     WHERE attrelid IN ('sizes'::regclass, 'colors'::regclass, 'variants'::regclass, 'legacy_stock'::regclass)
       AND attname IN ('id', 'size_id', 'color_id'))
    = ARRAY['colors.id:smallint', 'legacy_stock.color_id:bigint', 'legacy_stock.id:bigint', 'legacy_stock.size_id:integer',
            'sizes.id:smallint', 'variants.color_id:smallint', 'variants.id:integer', 'variants.size_id:smallint'],
    'key columns did not get their original integer types back');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('colors', 'id'), 'colors sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('variants', 'id'), 'variants sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('legacy_stock', 'id'), 'legacy_stock sequence behind');
