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
    (SELECT "userId" IS NOT NULL AND "userId" NOT IN (1, 2) FROM "UserAccounts" WHERE "Email" = 'ks-Carol@Example.com'),
    '"UserAccounts" row missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT userid IS NOT NULL AND userid NOT IN (1, 2, 3) FROM useraccounts WHERE email = 'ks-twin'),
    'useraccounts row missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "user" u JOIN "UserAccounts" a ON a."userId" = u."UserAccountId"
     WHERE u."select" = 'ks-user' AND a."Email" = 'ks-Carol@Example.com' AND u.id NOT IN (1, 2, 3)),
    '"user" ks-user lost its account');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "order" o JOIN "user" u ON u.id = o."user"
     WHERE o."from" = 'ks-from' AND u."select" = 'ks-user' AND o."order" NOT IN (1, 2, 3)),
    '"order" ks-from lost its user');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "café" c JOIN "order" o ON o."order" = c."order"
     WHERE c."nom" = 'ks-café' AND o."from" = 'ks-from' AND c."clé" NOT IN (1, 2, 3)),
    '"café" ks-café lost its order');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "Ünïcödé" u JOIN "café" c ON c."clé" = u."caféClé"
     WHERE u."ñame" = 'ks-ñame' AND c."nom" = 'ks-café' AND u."ïd" NOT IN (1, 2, 3)),
    '"Ünïcödé" ks-ñame lost its café');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "weird""name" w
     JOIN "Ünïcödé" u ON u."ïd" = w."ref.id"
     JOIN "user" usr ON usr.id = w."user id"
     JOIN "UserAccounts" ua ON ua."userId" = w."owner's id"
     WHERE w.label = 'ks-weird' AND u."ñame" = 'ks-ñame' AND usr."select" = 'user-nobody' AND usr.id = 3
       AND ua."Email" = 'ks-Carol@Example.com' AND w."id""x" NOT IN (1, 2, 3)),
    '"weird""name" ks-weird lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "Bob's Table" b JOIN "weird""name" w ON w."id""x" = b."weird""ref"
     WHERE b.note = 'ks-bob' AND w.label = 'ks-weird' AND b.id NOT IN (1, 2, 3)),
    '"Bob''s Table" ks-bob lost its parent');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "user" u JOIN "UserAccounts" a ON a."userId" = u."UserAccountId"
     WHERE u.id = 3 AND u."select" = 'user-nobody' AND a."Email" = 'ks-Carol@Example.com'),
    '"user" 3 did not get the new account');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "order" o JOIN "user" u ON u.id = o."user"
     WHERE o."order" = 2 AND o."from" = 'shop' AND u."select" = 'ks-user'),
    '"order" 2 was not moved to ks-user');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "café" c JOIN "order" o ON o."order" = c."order"
     WHERE c."clé" = 2 AND o."from" = 'ks-from'),
    '"café" 2 did not get the new order');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "weird""name" w JOIN "Ünïcödé" u ON u."ïd" = w."ref.id"
     WHERE w."id""x" = 2 AND u."ñame" = 'ks-ñame' AND w."user id" = 2),
    '"weird""name" 2 did not get the new "ref.id"');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM "Bob's Table" b JOIN "weird""name" w ON w."id""x" = b."weird""ref"
     WHERE b.id = 3 AND w.label = 'ks-weird'),
    '"Bob''s Table" 3 did not get the new parent');

SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[w."id""x", coalesce(w."ref.id", 0), coalesce(w."user id", 0), coalesce(w."owner's id", 0)] ORDER BY w."id""x")
     FROM "weird""name" w WHERE w."id""x" IN (1, 3))
    = ARRAY[[1, 1, 1, 2], [3, 3, 0, 1]],
    'seeded "weird""name" rows changed');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY["clé", coalesce("order", 0)] ORDER BY "clé") FROM "café" WHERE "clé" IN (1, 3))
    = ARRAY[[1, 1], [3, 3]]::bigint[],
    'seeded "café" rows changed');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('"UserAccounts"', 'userId'), '"UserAccounts" sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('useraccounts', 'userid'), 'useraccounts sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('"order"', 'order'), '"order" sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('"café"', 'clé'), '"café" sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('"Ünïcödé"', 'ïd'), '"Ünïcödé" identity behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('"weird""name"', 'id"x'), '"weird""name" sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('"Bob''s Table"', 'id'), '"Bob''s Table" sequence behind');
