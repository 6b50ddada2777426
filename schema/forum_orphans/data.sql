INSERT INTO users (id, username) VALUES (1, 'ada'), (2, 'bea');
SELECT setval(pg_get_serial_sequence('users', 'id'), 2);

-- User 0 is the "system" user the application never stored.
INSERT INTO posts (id, user_id, editor_id, body) VALUES
    (1, 1, NULL, 'first'), (2, 0, 0, 'welcome (system)'), (3, 2, 1, 'third'), (5, 0, NULL, 'rules (system)');
SELECT setval(pg_get_serial_sequence('posts', 'id'), 5);

-- Posts 4, 8 and 9 were deleted; their comments stayed.
INSERT INTO comments (id, post_id, user_id, body) VALUES
    (1, 1, 1, 'on first'), (2, 9, 2, 'on deleted 9'), (3, NULL, 1, 'on nothing'),
    (4, 8, 1, 'on deleted 8'), (5, 4, 2, 'on deleted 4');
SELECT setval(pg_get_serial_sequence('comments', 'id'), 5);

INSERT INTO bookmarks (code, post_id) VALUES ('a', 3), ('b', 7), ('c', NULL);
