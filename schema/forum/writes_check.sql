-- After rollback: the rows written through the uuids kept their links
-- under fresh integer ids, and the old rows theirs.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT u.username || '/' || c.name FROM topics t JOIN users u ON u.id = t.user_id JOIN categories c ON c.id = t.category_id
     WHERE t.title = 'Dee asks') = 'dee/Support',
    'the new topic is dee''s, in Support');
SELECT pg_temp.ks_assert(
    (SELECT r.body FROM posts p JOIN posts r ON r.id = p.reply_to_post_id JOIN topics t ON t.id = p.topic_id
     WHERE p.body = 'Same here' AND t.title = 'Dee asks') = 'The login page loops',
    'the new post replies to the login post, in the new topic');
SELECT pg_temp.ks_assert(
    (SELECT p.body FROM topics t JOIN posts p ON p.id = t.last_post_id WHERE t.title = 'Dee asks') = 'Same here',
    'the new topic''s last post is the new post');
SELECT pg_temp.ks_assert(
    (SELECT string_agg(u.username, ',' ORDER BY u.username) FROM post_likes l JOIN posts p ON p.id = l.post_id JOIN users u ON u.id = l.user_id
     WHERE p.body = 'Hi all') = 'bea,dee',
    'Hi all is liked by bea and dee (cy''s like is gone)');
SELECT pg_temp.ks_assert(
    (SELECT pc.name FROM categories c JOIN categories pc ON pc.id = c.parent_category_id WHERE c.name = 'Support') = 'General',
    'Support moved under General');
SELECT pg_temp.ks_assert(
    (SELECT p.body FROM posts p JOIN posts r ON r.id = p.reply_to_post_id WHERE r.body = 'Welcome, ada') = 'Seconded',
    'old replies still link');
SELECT pg_temp.ks_assert(
    (SELECT max(id) FROM posts) = (SELECT last_value FROM posts_id_seq),
    'the posts sequence continues after the fresh ids');
