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
    (SELECT project_id IS NOT NULL AND project_id NOT IN (1, 2, 3) FROM projects WHERE code = 'KS'),
    'new project missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT member_id IS NOT NULL AND member_id NOT IN (100, 200, 300, 400) FROM members WHERE handle = 'ks-member'),
    'new member missing or has a seeded id');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM project_members pm
     JOIN members m ON m.member_id = pm.member_id
     JOIN projects p ON p.project_id = pm.project_id
     WHERE pm.role = 'ks-lead' AND m.handle = 'ks-member' AND p.code = 'KS'),
    'project_members (ks-member, KS) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM project_members pm
     JOIN members m ON m.member_id = pm.member_id
     WHERE pm.role = 'ks-guest' AND m.handle = 'ks-member' AND pm.project_id = 1),
    'project_members (ks-member, Apollo=1) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM project_members pm
     JOIN projects p ON p.project_id = pm.project_id
     WHERE pm.role = 'ks-helper' AND pm.member_id = 400 AND p.code = 'KS'),
    'project_members (dave=400, KS) lost');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM assignments a
     JOIN project_members pm ON pm.member_id = a.who_ref AND pm.project_id = a.proj_ref
     WHERE a.task = 'ks-task' AND pm.role = 'ks-lead' AND a.id NOT BETWEEN 1 AND 5),
    'ks-task lost its (member, project)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM assignments a
     JOIN members m ON m.member_id = a.who_ref
     WHERE a.task = 'ks-task-on-apollo' AND m.handle = 'ks-member' AND a.proj_ref = 1),
    'ks-task-on-apollo lost its (member, project)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM time_entries t
     JOIN projects p ON p.project_id = t.project_id
     JOIN members a ON a.member_id = t.approver_id
     WHERE t.note = 'ks-entry' AND t.member_id = 400 AND p.code = 'KS' AND a.handle = 'ks-member'
       AND t.entry_id NOT BETWEEN 1 AND 4),
    'ks-entry lost its member, project or approver');

-- Updates.
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM assignments a JOIN members m ON m.member_id = a.who_ref
     WHERE a.id = 2 AND a.task = 'write tests' AND m.handle = 'ks-member' AND a.proj_ref = 1),
    'assignment 2 was not moved to ks-member on Apollo');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM time_entries t JOIN members m ON m.member_id = t.approver_id
     WHERE t.entry_id = 1 AND t.note = 'kickoff' AND t.project_id = 1 AND t.member_id = 100
       AND m.handle = 'ks-member'),
    'time entry 1 did not get the new approver');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM project_members pm JOIN projects p ON p.project_id = pm.project_id
     WHERE pm.member_id = 300 AND pm.role = 'reviewer' AND p.code = 'KS'),
    'carol''s reviewer membership was not moved to KS');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM assignments a JOIN projects p ON p.project_id = a.proj_ref
     WHERE a.id = 5 AND a.task = 'review' AND a.who_ref = 300 AND p.code = 'KS'),
    'ON UPDATE CASCADE did not carry assignment 5 to KS');

-- Untouched seed rows keep their keys, column for column.
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[project_id, member_id] ORDER BY project_id, member_id)
     FROM project_members WHERE project_id BETWEEN 1 AND 3 AND member_id BETWEEN 100 AND 400)
    = ARRAY[[1, 100], [1, 200], [2, 200], [2, 300], [3, 400]],
    'seeded project_members keys changed');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, proj_ref, who_ref] ORDER BY id) FROM assignments WHERE id IN (1, 3, 4))
    = ARRAY[[1, 1, 100], [3, 2, 200], [4, 2, 300]],
    'seeded assignments keys changed (or swapped)');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[entry_id, project_id, member_id, coalesce(approver_id, 0)] ORDER BY entry_id)
     FROM time_entries WHERE entry_id BETWEEN 2 AND 4)
    = ARRAY[[2, 1, 200, 100], [3, 2, 300, 200], [4, 3, 400, 0]]::bigint[],
    'seeded time entries keys changed (or swapped)');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('projects', 'project_id'), 'projects sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('assignments', 'id'), 'assignments sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('time_entries', 'entry_id'), 'time_entries sequence behind');
