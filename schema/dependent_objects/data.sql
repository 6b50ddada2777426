INSERT INTO users (id, name, active) VALUES (1, 'ann', true), (2, 'ben', true), (3, 'old', false);
SELECT setval(pg_get_serial_sequence('users', 'id'), 3);

INSERT INTO posts (id, author_id, title, likes) VALUES
    (1, 1, 'hello', 3),
    (2, 1, 'again', 5),
    (3, 2, 'ben writes', 1),
    (4, 3, 'from the past', 0);
SELECT setval(pg_get_serial_sequence('posts', 'id'), 4);

INSERT INTO settings VALUES ('theme', 'dark');

REFRESH MATERIALIZED VIEW author_likes;
