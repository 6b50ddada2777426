-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert((SELECT count(*) = 1 FROM users WHERE name = 'ks-cat' AND id NOT IN (1, 2, 3)), 'ks-cat missing');
SELECT pg_temp.ks_assert((SELECT count(*) = 0 FROM users WHERE name = 'ks-second-system'), 'a second system user got in');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM tickets t JOIN users u ON u.id = t.reporter_id JOIN users a ON a.id = t.assignee_id
     WHERE t.title = 'ks-bug' AND t.kind_id = 2 AND u.name = 'ks-cat' AND a.id = 2),
    'ks-bug lost a parent');
SELECT pg_temp.ks_assert((SELECT count(*) = 0 FROM tickets WHERE title = 'ks-bug-without-priority'), 'a bug without priority got in');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM categories c JOIN categories p ON p.id = c.parent_id WHERE c.name = 'ks-novels' AND p.id = 1),
    'ks-novels lost its parent');
SELECT pg_temp.ks_assert((SELECT count(*) = 1 FROM categories WHERE name = 'books'), 'a second top category books got in');
SELECT pg_temp.ks_assert(
    (SELECT indexdef LIKE '%WHERE (reporter_id <> 1)' FROM pg_indexes WHERE indexname = 'tickets_by_people'),
    'tickets_by_people lost its predicate');
SELECT pg_temp.ks_assert(
    (SELECT obj_description(to_regclass('tickets_by_people'), 'pg_class') = 'tickets not filed by the system user'),
    'tickets_by_people lost its comment');
