-- After rollback: orphans the application left alone have their old
-- values back, the ones it fixed keep its links, new rows their links.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert((SELECT user_id FROM posts WHERE body = 'welcome (system)') = 0,
    'the system post has user 0 again');
SELECT pg_temp.ks_assert(
    (SELECT u.username FROM posts p JOIN users u ON u.id = p.user_id WHERE p.body = 'rules (system)') = 'cy',
    'the system post the application gave to cy stays cy''s');
SELECT pg_temp.ks_assert((SELECT post_id FROM comments WHERE body = 'on deleted 9, edited') = 9,
    'the edited comment on deleted post 9 points at 9 again');
SELECT pg_temp.ks_assert(
    (SELECT p.body FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.body = 'on deleted 8') = 'by cy',
    'the comment the application moved to cy''s post stays there');
SELECT pg_temp.ks_assert((SELECT post_id FROM comments WHERE body = 'on nothing') IS NULL,
    'a comment that had no post still has none');
SELECT pg_temp.ks_assert((SELECT post_id FROM comments WHERE body = 'new on nothing') IS NULL,
    'a new comment without a post has none');
SELECT pg_temp.ks_assert(NOT EXISTS (SELECT 1 FROM comments WHERE body = 'on deleted 4'),
    'the deleted comment stays deleted');
SELECT pg_temp.ks_assert((SELECT post_id FROM bookmarks WHERE code = 'b') = 7,
    'bookmark b points at deleted post 7 again');
SELECT pg_temp.ks_assert(
    (SELECT p.body FROM bookmarks b JOIN posts p ON p.id = b.post_id WHERE b.code = 'a') = 'third',
    'bookmark a still points at the third post');
SELECT pg_temp.ks_assert(
    (SELECT u.username FROM posts p JOIN users u ON u.id = p.user_id WHERE p.body = 'by cy') = 'cy',
    'cy''s new post is cy''s');
SELECT pg_temp.ks_assert((SELECT user_id = 0 FROM posts WHERE body = 'ks-by-system'), 'a post written with the sentinel default lost it');
