INSERT INTO users (id, name, active) VALUES (1, 'ann', true), (2, 'ben', true), (3, 'old', false);
SELECT setval(pg_get_serial_sequence('users', 'id'), 3);

INSERT INTO posts (id, author_id, title, published) VALUES
    (1, 1, 'hello',        true),
    (2, 1, 'draft',        false),
    (3, 2, 'ben writes',   true),
    (4, 3, 'from the past', true);
SELECT setval(pg_get_serial_sequence('posts', 'id'), 4);
