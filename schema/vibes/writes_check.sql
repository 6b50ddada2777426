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

-- Rows written after forward exist, got fresh integer ids, and link to the right parents.
SELECT pg_temp.ks_assert(
    (SELECT id IS NOT NULL AND id NOT IN (1, 2, 3, 4) FROM users WHERE email = 'ks-new@example.com'),
    'new user missing or its id is null / a seeded id');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM journals j JOIN users u ON u.id = j.user_id
     WHERE j.title = 'ks new journal' AND u.email = 'ks-new@example.com'
       AND j.id IS NOT NULL AND j.id NOT BETWEEN 1 AND 5),
    'written journal lost its user or got a seeded id');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM journals j JOIN users u ON u.id = j.user_id
     WHERE j.title = 'ks deleted journal' AND u.email = 'ks-new@example.com'
       AND j.deleted_at IS NOT NULL AND j.id NOT BETWEEN 1 AND 5),
    'written soft-deleted journal lost its user');

SELECT pg_temp.ks_assert(
    (SELECT count(DISTINCT id) = 2 FROM journals WHERE title IN ('ks new journal', 'ks deleted journal')),
    'the two new journals do not have distinct ids');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 2 FROM tags t JOIN users u ON u.id = t.user_id
     WHERE t.name IN ('ks-tag', 'ks-secret-tag') AND u.email = 'ks-new@example.com'
       AND t.id NOT BETWEEN 1 AND 4),
    'written tags lost their user');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM journal_tags jt
     JOIN journals j ON j.id = jt.journal_id
     JOIN tags t ON t.id = jt.tag_id
     WHERE j.title = 'ks new journal' AND t.name = 'ks-tag'),
    'join row (new journal, new tag) lost');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM journal_tags jt
     JOIN journals j ON j.id = jt.journal_id
     JOIN tags t ON t.id = jt.tag_id
     JOIN users u ON u.id = t.user_id
     WHERE j.title = 'ks new journal' AND t.name = 'family' AND u.email = 'a@example.com'
       AND t.id = 2),
    'join row (new journal, old tag family) lost');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM secret_tags s JOIN tags t ON t.id = s.tag_id
     WHERE s.hint = 'ks-hint' AND t.name = 'ks-secret-tag' AND s.id NOT IN (1, 2)),
    'written secret tag lost its tag');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM reminders r
     JOIN users u ON u.id = r.user_id
     JOIN journals j ON j.id = r.journal_id
     WHERE r.message = 'ks reminder with journal'
       AND u.email = 'ks-new@example.com' AND j.title = 'ks new journal'
       AND r.id NOT IN (1, 2, 3)),
    'written reminder lost its user or journal');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM reminders r JOIN users u ON u.id = r.user_id
     WHERE r.message = 'ks reminder without journal'
       AND u.email = 'ks-new@example.com' AND r.journal_id IS NULL),
    'written reminder without journal is wrong');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM audit_logs a JOIN users u ON u.id = a.user_id
     WHERE a.action = 'ks-login' AND u.email = 'ks-new@example.com'
       AND a.details = '{"ks": true}'::jsonb AND a.id NOT BETWEEN 1 AND 5),
    'written audit line lost its user');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM audit_logs
     WHERE action = 'ks-anonymous' AND user_id IS NULL AND id IS NOT NULL AND id NOT BETWEEN 1 AND 5),
    'written anonymous audit line is wrong');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM user_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = 'ks-token' AND u.email = 'ks-new@example.com' AND s.id NOT IN (1, 2, 3)),
    'written session lost its user');

-- Updated rows keep their own ids and point at the new parents.
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM journals j JOIN users u ON u.id = j.user_id
     WHERE j.title = 'first' AND j.id = 1 AND u.email = 'b@example.com' AND u.id = 2),
    'journal "first" was not moved to b@example.com (or lost id 1)');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM journals j JOIN users u ON u.id = j.user_id
     WHERE j.title = 'second' AND j.id = 2 AND u.email = 'ks-new@example.com'),
    'journal "second" was not moved to the new user');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM reminders r JOIN journals j ON j.id = r.journal_id
     WHERE r.message = 'write something' AND r.id = 2 AND j.title = 'ks new journal'),
    'reminder "write something" does not point at the new journal');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM reminders WHERE message = 'bea follow-up' AND id = 3 AND journal_id IS NULL),
    'reminder "bea follow-up" still has a journal');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM audit_logs a JOIN users u ON u.id = a.user_id
     WHERE a.action = 'system.cleanup' AND a.id = 4 AND u.email = 'ks-new@example.com'),
    'audit line 4 was not re-attributed to the new user');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM audit_logs WHERE id = 5 AND action = 'login' AND user_id IS NULL),
    'audit line 5 still has a user');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM journal_tags jt
     JOIN journals j ON j.id = jt.journal_id
     JOIN tags t ON t.id = jt.tag_id
     WHERE j.title = 'bea two' AND j.id = 5 AND t.name = 'ks-tag'),
    'join row for "bea two" was not re-pointed to ks-tag');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 0 FROM journal_tags WHERE journal_id = 5 AND tag_id = 4),
    'old join row (5, 4) still present');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM user_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = 'tok-a-2' AND s.id = 2 AND u.email = 'ks-new@example.com'),
    'session tok-a-2 was not moved to the new user');

-- Untouched seed rows keep their original integer keys.
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[journal_id, tag_id] ORDER BY journal_id, tag_id)
     FROM journal_tags WHERE journal_id BETWEEN 1 AND 5 AND tag_id BETWEEN 1 AND 4)
    = ARRAY[[1, 1], [1, 2], [2, 1], [3, 3], [4, 4]]::bigint[],
    'seeded journal_tags rows changed');

SELECT pg_temp.ks_assert(
    (SELECT array_agg(email ORDER BY id) FROM users WHERE id BETWEEN 1 AND 4)
    = ARRAY['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'],
    'seeded users lost their ids');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM secret_tags s JOIN tags t ON t.id = s.tag_id
     WHERE s.id = 1 AND t.id = 3 AND t.name = 'health'),
    'seeded secret tag lost its tag');

-- Every key sequence is ahead of the rows, so the next insert cannot collide.
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('users', 'id'), 'users_id_seq is behind max(users.id)');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('journals', 'id'), 'journals_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('tags', 'id'), 'tags_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('secret_tags', 'id'), 'secret_tags_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('reminders', 'id'), 'reminders_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('audit_logs', 'id'), 'audit_logs_id_seq is behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('user_sessions', 'id'), 'user_sessions_id_seq is behind');
