-- dependent_objects: after rollback, the rows written through the views kept
-- their links under fresh integer ids, and the views still work.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT id > 3 FROM users WHERE name = 'ks-cat'),
    'ks-cat has a fresh integer id above the old ones');
SELECT pg_temp.ks_assert(
    (SELECT author = 'ks-cat' FROM post_feed WHERE title = 'ks-post'),
    'ks-post still belongs to ks-cat');
SELECT pg_temp.ks_assert(
    (SELECT author = 'ann' FROM post_feed WHERE title = 'ks-second'),
    'ks-second still belongs to ann');
SELECT pg_temp.ks_assert(
    (SELECT posts = 3 FROM user_post_counts WHERE name = 'ann'),
    'ann has three posts');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 4 FROM author_likes WHERE author_id IN (SELECT id FROM users)),
    'the materialized view was refilled with integer ids');
