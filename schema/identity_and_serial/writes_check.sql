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

-- Fresh integer ids, outside the seeded ones.
SELECT pg_temp.ks_assert((SELECT id NOT IN (1, 2, 3, 42, 43) FROM t_serial WHERE label = 'ks-serial'),
    't_serial row missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT id NOT IN (9000000001, 9000000002) FROM t_bigserial WHERE label = 'ks-bigserial'),
    't_bigserial row missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT id NOT IN (1, 32001, 32002) FROM t_smallserial WHERE label = 'ks-smallserial'),
    't_smallserial row missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT id NOT IN (1, 2, 3, 50, 51) FROM t_identity_always WHERE label = 'ks-always'),
    't_identity_always row missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT id NOT IN (7, 1000, 1005, 1010) FROM t_identity_default WHERE label = 'ks-default'),
    't_identity_default row missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT id NOT IN (500, 510, 520) FROM t_manual_seq WHERE label = 'ks-manual'),
    't_manual_seq row missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT id NOT IN (530, 540) FROM t_shared_seq WHERE label = 'ks-shared'),
    't_shared_seq row missing or has a seeded id');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM links l
     JOIN t_serial a ON a.id = l.serial_id
     JOIN t_bigserial b ON b.id = l.bigserial_id
     JOIN t_smallserial c ON c.id = l.smallserial_id
     JOIN t_identity_always d ON d.id = l.always_id
     JOIN t_identity_default e ON e.id = l.default_id
     JOIN t_manual_seq f ON f.id = l.manual_id
     JOIN t_shared_seq g ON g.id = l.shared_id
     WHERE l.note = 'ks-link-new' AND l.id NOT BETWEEN 1 AND 4
       AND a.label = 'ks-serial' AND b.label = 'ks-bigserial' AND c.label = 'ks-smallserial'
       AND d.label = 'ks-always' AND e.label = 'ks-default' AND f.label = 'ks-manual' AND g.label = 'ks-shared'),
    'ks-link-new lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM links
     WHERE note = 'ks-link-old' AND serial_id = 42 AND bigserial_id = 9000000001 AND smallserial_id = 1
       AND always_id = 50 AND default_id = 7 AND manual_id = 510 AND shared_id = 530),
    'ks-link-old does not point at the original integer keys');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM links l
     JOIN t_serial a ON a.id = l.serial_id
     JOIN t_smallserial c ON c.id = l.smallserial_id
     JOIN t_identity_default e ON e.id = l.default_id
     JOIN t_shared_seq g ON g.id = l.shared_id
     WHERE l.id = 4 AND a.label = 'ks-serial' AND c.label = 'ks-smallserial'
       AND e.label = 'ks-default' AND g.label = 'ks-shared'
       AND l.bigserial_id IS NULL AND l.always_id IS NULL AND l.manual_id IS NULL),
    'link 4 update lost');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, coalesce(serial_id, 0), coalesce(bigserial_id, 0), coalesce(smallserial_id, 0),
                            coalesce(always_id, 0), coalesce(default_id, 0), coalesce(manual_id, 0), coalesce(shared_id, 0)] ORDER BY id)
     FROM links WHERE id BETWEEN 1 AND 3)
    = ARRAY[[1, 1, 9000000001, 1, 1, 1000, 500, 530],
            [2, 43, 9000000002, 32002, 51, 1010, 520, 540],
            [3, 0, 0, 32001, 0, 7, 0, 0]]::bigint[],
    'seeded links changed');

-- The keys are sequence-backed again, the way they were, and ahead of the data.
SELECT pg_temp.ks_assert(
    (SELECT attidentity = 'a' FROM pg_attribute WHERE attrelid = 't_identity_always'::regclass AND attname = 'id'),
    't_identity_always.id is not GENERATED ALWAYS AS IDENTITY');
SELECT pg_temp.ks_assert(
    (SELECT a.attidentity = 'd' AND s.seqincrement = 5 AND s.seqstart = 1000
     FROM pg_attribute a, pg_sequence s
     WHERE a.attrelid = 't_identity_default'::regclass AND a.attname = 'id'
       AND s.seqrelid = pg_get_serial_sequence('t_identity_default', 'id')::regclass),
    't_identity_default.id is not BY DEFAULT identity START 1000 INCREMENT 5');
SELECT pg_temp.ks_assert(
    (SELECT seqincrement = 10 AND seqmin = 500 AND seqmax = 1000000 FROM pg_sequence WHERE seqrelid = 'manual_ids'::regclass),
    'manual_ids lost its options');
SELECT pg_temp.ks_assert(
    pg_get_serial_sequence('t_manual_seq', 'id') = 'public.manual_ids',
    'manual_ids is no longer OWNED BY t_manual_seq.id');
SELECT pg_temp.ks_assert(
    (SELECT pg_get_expr(adbin, adrelid) = 'nextval(''manual_ids''::regclass)' FROM pg_attrdef
     WHERE adrelid = 't_shared_seq'::regclass),
    't_shared_seq.id no longer defaults to nextval(manual_ids)');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('t_serial', 'id'), 't_serial sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('t_bigserial', 'id'), 't_bigserial sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('t_smallserial', 'id'), 't_smallserial sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('t_identity_always', 'id'), 't_identity_always identity behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('t_identity_default', 'id'), 't_identity_default identity behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('t_manual_seq', 'id'), 'manual_ids behind t_manual_seq');
SELECT pg_temp.ks_assert(
    (SELECT (CASE WHEN is_called THEN last_value + 10 ELSE last_value END) > (SELECT max(id) FROM t_shared_seq)
     FROM manual_ids),
    'manual_ids behind t_shared_seq');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('links', 'id'), 'links sequence behind');
