-- forum: writes after forward, through the uuid keys. Only column names
-- and subqueries reach the converted columns.
INSERT INTO users (username) VALUES ('dee');
INSERT INTO topics (category_id, user_id, title)
SELECT c.id, u.id, 'Dee asks' FROM categories c, users u WHERE c.name = 'Support' AND u.username = 'dee';
INSERT INTO posts (topic_id, user_id, reply_to_post_id, body)
SELECT t.id, u.id, p.id, 'Same here'
FROM topics t, users u, posts p
WHERE t.title = 'Dee asks' AND u.username = 'dee' AND p.body = 'The login page loops';
UPDATE topics SET last_post_id = (SELECT id FROM posts WHERE body = 'Same here') WHERE title = 'Dee asks';
INSERT INTO post_likes (post_id, user_id)
SELECT p.id, u.id FROM posts p, users u WHERE p.body = 'Hi all' AND u.username = 'dee';
UPDATE categories SET parent_category_id = (SELECT id FROM categories WHERE name = 'General') WHERE name = 'Support';
DELETE FROM post_likes WHERE user_id = (SELECT id FROM users WHERE username = 'cy');
