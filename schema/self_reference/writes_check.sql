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
    (SELECT count(*) = 1 FROM employees e
     JOIN employees m ON m.id = e.manager_id
     JOIN employees t ON t.id = e.mentor_id
     WHERE e.full_name = 'ks-manager' AND e.id IS NOT NULL AND e.id NOT IN (-1, 0, 3, 7, 12, 13, 20)
       AND m.full_name = 'Tom CTO' AND m.id = 0 AND t.full_name = 'Carla CEO' AND t.id = -1),
    'ks-manager lost its manager/mentor or got a seeded id');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM employees e
     JOIN employees m ON m.id = e.manager_id
     JOIN employees t ON t.id = e.mentor_id
     WHERE e.full_name = 'ks-report' AND e.id NOT IN (-1, 0, 3, 7, 12, 13, 20)
       AND m.full_name = 'ks-manager' AND t.full_name = 'Dana Dev' AND t.id = 12),
    'ks-report lost its manager (a new row) or mentor');

SELECT pg_temp.ks_assert(
    (SELECT count(DISTINCT id) = 2 FROM employees WHERE full_name IN ('ks-manager', 'ks-report')),
    'new employees do not have distinct ids');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM employees e JOIN employees m ON m.id = e.manager_id
     WHERE e.id = 13 AND e.full_name = 'Dev Two' AND m.full_name = 'ks-manager' AND e.mentor_id = 12),
    'Dev Two was not moved under ks-manager');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM employees e JOIN employees t ON t.id = e.mentor_id
     WHERE e.id = 3 AND e.manager_id IS NULL AND t.full_name = 'ks-report'),
    'Fiona CFO update lost');

-- The four-level chain of seeded rows is intact, with the original (negative/zero) ids.
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, coalesce(manager_id, -999), coalesce(mentor_id, -999)] ORDER BY id)
     FROM employees WHERE id IN (-1, 0, 7, 12, 20))
    = ARRAY[[-1, -999, -999], [0, -1, -999], [7, 0, -1], [12, 7, 0], [20, -999, -999]],
    'seeded employees chain changed');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM categories WHERE name = 'ks-root' AND parent_id = id AND id NOT BETWEEN 1 AND 6),
    'ks-root does not reference itself or got a seeded id');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM categories c JOIN categories p ON p.id = c.parent_id
     WHERE c.name = 'ks-child' AND p.name = 'ks-root' AND c.id NOT BETWEEN 1 AND 6),
    'ks-child lost its parent');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM categories c JOIN categories p ON p.id = c.parent_id
     WHERE c.id = 6 AND c.name = 'orphans' AND p.name = 'ks-root'),
    'orphans was not adopted by ks-root');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM categories WHERE id = 5 AND name = 'space opera' AND parent_id = 2),
    'space opera was not moved under books (id 2)');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM categories WHERE id = 1 AND name = 'root' AND parent_id = 1),
    'seeded root no longer references itself');

SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, parent_id] ORDER BY id) FROM categories WHERE id BETWEEN 2 AND 4)
    = ARRAY[[2, 1], [3, 1], [4, 2]]::bigint[],
    'seeded categories changed');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('categories', 'id'), 'categories sequence behind');
