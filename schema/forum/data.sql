INSERT INTO users (id, username, external_id) VALUES
    (1, 'ada', 'sso-1'), (2, 'bea', NULL), (3, 'cy', 'sso-9');
SELECT setval(pg_get_serial_sequence('users', 'id'), 3);

INSERT INTO categories (id, parent_category_id, name) VALUES
    (1, NULL, 'General'), (2, 1, 'Introductions'), (3, NULL, 'Support');
SELECT setval(pg_get_serial_sequence('categories', 'id'), 3);

INSERT INTO topics (id, category_id, user_id, last_post_id, title) VALUES
    (1, 2, 1, 3, 'Hello from ada'),
    (2, 3, 2, 4, 'Cannot log in');
SELECT setval(pg_get_serial_sequence('topics', 'id'), 2);

INSERT INTO posts (id, topic_id, user_id, reply_to_post_id, body) VALUES
    (1, 1, 1, NULL, 'Hi all'),
    (2, 1, 2, 1,    'Welcome, ada'),
    (3, 1, 3, 2,    'Seconded'),
    (4, 2, 2, NULL, 'The login page loops');
SELECT setval(pg_get_serial_sequence('posts', 'id'), 4);

INSERT INTO post_likes (id, post_id, user_id) VALUES
    (1, 1, 2), (2, 1, 3), (3, 4, 1);
SELECT setval(pg_get_serial_sequence('post_likes', 'id'), 3);
