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
    (SELECT count(*) = 0 FROM parents WHERE name = 'ks-doomed'), 'ks-doomed still present');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 2 FROM parents WHERE name IN ('ks-moved', 'ks-keeper') AND id NOT IN (0, 1, 2, 3)),
    'ks-moved / ks-keeper missing or got seeded ids');
SELECT pg_temp.ks_assert(
    (SELECT count(DISTINCT id) = 2 FROM parents WHERE name IN ('ks-moved', 'ks-keeper')),
    'new parents do not have distinct ids');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 0 FROM children WHERE name = 'ks-cascade-victim'),
    'ON DELETE CASCADE did not remove ks-cascade-victim');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM children c
     JOIN parents k ON k.id = c.no_action_parent_id AND k.id = c.restrict_parent_id AND k.id = c.cascade_parent_id
     WHERE c.name = 'ks-orphan' AND k.name = 'ks-keeper'
       AND c.set_null_parent_id IS NULL AND c.mixed_parent_id IS NULL AND c.set_default_parent_id = 0),
    'ks-orphan: ON DELETE SET NULL / SET DEFAULT did not land as expected');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM children c
     JOIN parents m ON m.id = c.cascade_parent_id AND m.id = c.mixed_parent_id
     WHERE c.name = 'ks-follower' AND m.name = 'ks-moved'
       AND c.set_null_parent_id IS NULL AND c.set_default_parent_id = 0),
    'ks-follower: ON UPDATE CASCADE / SET NULL / SET DEFAULT did not land as expected');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM children
     WHERE name = 'ks-defaults' AND set_default_parent_id = 0 AND id NOT BETWEEN 1 AND 5
       AND no_action_parent_id IS NULL AND cascade_parent_id IS NULL),
    'ks-defaults did not default to parent 0');

SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, coalesce(no_action_parent_id, -1), coalesce(restrict_parent_id, -1),
                            coalesce(cascade_parent_id, -1), coalesce(set_null_parent_id, -1),
                            set_default_parent_id, coalesce(mixed_parent_id, -1)] ORDER BY id)
     FROM children WHERE id BETWEEN 1 AND 5)
    = ARRAY[[1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 0, 2], [3, -1, -1, -1, -1, 0, -1],
            [4, 3, -1, 1, 2, 3, -1], [5, -1, -1, -1, -1, 0, -1]],
    'seeded children changed');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 0 FROM memberships m JOIN groups g ON g.id = m.group_id WHERE g.name = 'ks-group'),
    'ks membership was not deleted');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM memberships m JOIN parents p ON p.id = m.parent_id
     WHERE p.name = 'ks-keeper' AND m.group_id = 1),
    'membership (ks-keeper, everyone) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM membership_notes n
     WHERE n.note = 'ks-note' AND n.parent_id IS NULL AND n.group_id IS NULL AND n.id NOT BETWEEN 1 AND 4),
    'ks-note: ON DELETE SET NULL did not clear both columns');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM membership_audit a
     JOIN memberships m ON (m.parent_id, m.group_id) = (a.parent_id, a.group_id)
     WHERE a.event = 'ks-audit' AND a.parent_id = 0 AND a.group_id = 1 AND a.id NOT IN (1, 2)),
    'ks-audit: ON DELETE SET DEFAULT did not re-point to membership (0, 1)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM membership_notes WHERE note = 'ks-default-note' AND parent_id = 0 AND group_id = 1),
    'ks-default-note did not take defaults (0, 1)');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, parent_id, coalesce(group_id, -1)] ORDER BY id) FROM membership_notes WHERE id BETWEEN 1 AND 4)
    = ARRAY[[1, 1, 2], [2, 3, -1], [3, 2, 1], [4, 0, 1]],
    'seeded membership notes changed');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[parent_id, group_id] ORDER BY parent_id, group_id) FROM memberships WHERE parent_id BETWEEN 0 AND 3)
    = ARRAY[[0, 1], [1, 1], [1, 2], [2, 1], [3, 2]],
    'seeded memberships changed');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('children', 'id'), 'children sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('groups', 'id'), 'groups sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('membership_notes', 'id'), 'membership_notes sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('membership_audit', 'id'), 'membership_audit sequence behind');
