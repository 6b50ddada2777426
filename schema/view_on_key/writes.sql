-- view_on_key: writes after the forward migration (the views must exist again).

-- through the auto-updatable view: users.id takes its UUID default
INSERT INTO active_users (name) VALUES ('ks-cat');

INSERT INTO posts (author_id, title, published)
SELECT id, 'ks-post', true FROM active_users WHERE name = 'ks-cat';

INSERT INTO posts (author_id, title, published)
SELECT user_id, 'ks-draft', false FROM post_authors WHERE title = 'ben writes';

UPDATE posts SET author_id = (SELECT id FROM active_users WHERE name = 'ks-cat')
WHERE id = (SELECT post_id FROM published_post_authors WHERE title = 'from the past');
