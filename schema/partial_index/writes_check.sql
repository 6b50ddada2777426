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
    (SELECT id NOT IN (1, 2, 3) FROM users WHERE handle = 'ks-dan'), 'ks-dan missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM projects p JOIN users u ON u.id = p.owner_id
     WHERE p.name = 'ks-project' AND u.handle = 'ks-dan' AND p.id NOT IN (1, 2)),
    'ks-project lost its owner');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM tickets t
     JOIN projects p ON p.id = t.project_id
     JOIN users r ON r.id = t.reporter_id
     JOIN users a ON a.id = t.assignee_id
     WHERE t.title = 'ks-open' AND p.name = 'ks-project' AND r.handle = 'ks-dan' AND a.handle = 'ann'
       AND a.id = 1 AND t.id NOT BETWEEN 1 AND 6),
    'ks-open lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM tickets t JOIN users r ON r.id = t.reporter_id
     WHERE t.title = 'ks-draft' AND t.project_id = 1 AND r.handle = 'ks-dan' AND t.status = 'draft'),
    'ks-draft lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 0 FROM tickets WHERE title = 'ks-second-draft'),
    'ks-second-draft should have been rejected');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM user_emails e JOIN users u ON u.id = e.user_id
     WHERE e.email = 'ks-dan@example.com' AND e.is_primary AND u.handle = 'ks-dan' AND e.id NOT BETWEEN 1 AND 4),
    'ks-dan email lost its user');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM user_emails WHERE id = 4 AND user_id = 3 AND is_primary),
    'cat''s email update lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM tickets t JOIN users a ON a.id = t.assignee_id
     WHERE t.id = 2 AND t.title = 'typo in docs' AND a.handle = 'ks-dan' AND t.project_id = 1 AND t.reporter_id = 2),
    'ticket 2 update lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM tickets t JOIN projects p ON p.id = t.project_id
     WHERE t.id = 4 AND p.name = 'ks-project' AND t.assignee_id IS NULL AND t.reporter_id = 3),
    'ticket 4 update lost');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, project_id, reporter_id, coalesce(assignee_id, 0)] ORDER BY id)
     FROM tickets WHERE id IN (1, 3, 5, 6))
    = ARRAY[[1, 1, 1, 2], [3, 1, 2, 2], [5, 2, 3, 0], [6, 1, 3, 0]]::bigint[],
    'seeded tickets changed');

-- The indexes still exist, with their predicates, and are usable.
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 9 FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'tickets'),
    'tickets lost or gained indexes');
SELECT pg_temp.ks_assert(
    (SELECT indexdef LIKE '%WHERE (status = ''draft''::text)%' AND indexdef LIKE 'CREATE UNIQUE INDEX%'
     FROM pg_indexes WHERE indexname = 'tickets_one_draft_idx'),
    'tickets_one_draft_idx lost its predicate or uniqueness');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('users', 'id'), 'users sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('projects', 'id'), 'projects sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('tickets', 'id'), 'tickets sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('user_emails', 'id'), 'user_emails sequence behind');
