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

SELECT pg_temp.ks_assert((SELECT id NOT IN (1, 2, 3) FROM users WHERE login = 'ks-dee'),
    'ks-dee missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 2 FROM page_views v JOIN users u ON u.id = v.user_id
     WHERE v.path = '/ks-landing' AND u.login = 'ks-dee'),
    'the two /ks-landing views lost their user');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM page_views WHERE path = '/ks-old-user' AND user_id = 3),
    '/ks-old-user view lost its user');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM page_views v JOIN users u ON u.id = v.user_id
     WHERE v.path = '/pricing' AND u.login = 'ks-dee'),
    '/pricing view was not moved to ks-dee');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 3 FROM page_views WHERE user_id = 1 AND path IN ('/', '/about'))
    AND (SELECT count(*) = 2 FROM page_views WHERE user_id = 1 AND path = '/'),
    'seeded page views of user 1 changed (the duplicate must stay)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM referrals f JOIN users r ON r.id = f.referrer_id JOIN users d ON d.id = f.referred_id
     WHERE f.code = 'ks-R-ANN-DEE' AND r.login = 'ann' AND r.id = 1 AND d.login = 'ks-dee'),
    'ks-R-ANN-DEE lost a user');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM referrals f JOIN users r ON r.id = f.referrer_id
     WHERE f.code = 'ks-R-DEE-PENDING' AND r.login = 'ks-dee' AND f.referred_id IS NULL),
    'ks-R-DEE-PENDING wrong');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM referrals f JOIN users d ON d.id = f.referred_id
     WHERE f.code = 'R-BEN-PENDING' AND f.referrer_id = 2 AND d.login = 'ks-dee'),
    'R-BEN-PENDING update lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM referrals WHERE code = 'R-ANN-BEN' AND referrer_id IS NULL AND referred_id = 2),
    'R-ANN-BEN update lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM referrals WHERE code = 'R-ORGANIC-CY' AND referrer_id IS NULL AND referred_id = 3),
    'seeded referral changed');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('users', 'id'), 'users sequence behind');
