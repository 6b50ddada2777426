-- rails_app: after rollback, the rows written through uuid keys point at the
-- same rows through their integer ids.

CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT u.email FROM posts p JOIN users u ON u.id = p.author_id WHERE p.title = 'ks-post') = 'ks-user@example.com',
    'ks-post keeps its author');
SELECT pg_temp.ks_assert(
    (SELECT p.title FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.body = 'ks-comment') = 'ks-post',
    'ks-comment is on ks-post');
SELECT pg_temp.ks_assert(
    (SELECT p.title FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.body = 'agreed') = 'ks-post',
    'the moved comment is on ks-post');
SELECT pg_temp.ks_assert(
    (SELECT p.title FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.body = 'welcome') = 'hello',
    'an untouched comment is still on its post');
SELECT pg_temp.ks_assert(
    (SELECT post_id IS NULL FROM comments WHERE body LIKE 'orphaned%'),
    'a NULL post_id stays NULL');
SELECT pg_temp.ks_assert(
    (SELECT p.title FROM taggings t JOIN posts p ON p.id = t.taggable_id WHERE t.note = 'ks-tagging-post' AND t.taggable_type = 'Post') = 'ks-post',
    'the new tagging points at ks-post');
SELECT pg_temp.ks_assert(
    (SELECT u.email FROM taggings t JOIN users u ON u.id = t.taggable_id WHERE t.note = 'ks-tagging-user' AND t.taggable_type = 'User') = 'ks-user@example.com',
    'the new user tagging points at the new user');
SELECT pg_temp.ks_assert(
    (SELECT p.title FROM taggings t JOIN posts p ON p.id = t.taggable_id WHERE t.note = 'ks-tagging-old-post') = 'drafts',
    'a new tagging of an old post points at it');
SELECT pg_temp.ks_assert(
    (SELECT u.email FROM taggings t JOIN users u ON u.id = t.taggable_id WHERE t.note = 'post 2 about postgres' AND t.taggable_type = 'User') = 'ks-user@example.com',
    'the retargeted tagging points at the new user');
SELECT pg_temp.ks_assert(
    (SELECT u.email FROM taggings t JOIN users u ON u.id = t.taggable_id WHERE t.note = 'user 1, not post 1') = 'ada@example.com',
    'user 1 tagging follows its type, not post 1');
SELECT pg_temp.ks_assert(
    (SELECT taggable_id IS NULL AND taggable_type IS NULL FROM taggings WHERE note = 'not attached to anything'),
    'an unattached tagging stays unattached');
SELECT pg_temp.ks_assert(
    (SELECT count(*) FROM page_views WHERE post_id = 1) = 2,
    'the undeclared candidate column is untouched');
SELECT pg_temp.ks_assert(
    (SELECT subject_id FROM notifications WHERE message = 'welcome') = 3,
    'the undeclared polymorphic pair is untouched');
