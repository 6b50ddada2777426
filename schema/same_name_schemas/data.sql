INSERT INTO north.users (id, name) VALUES (1, 'ann'), (2, 'ben');
SELECT setval(pg_get_serial_sequence('north.users', 'id'), 2);
INSERT INTO north.posts (id, user_id, title) VALUES (1, 1, 'north one'), (2, 2, 'north two');
SELECT setval(pg_get_serial_sequence('north.posts', 'id'), 2);

INSERT INTO south.users (id, handle) VALUES (1, '@cat'), (2, '@dan');
SELECT setval(pg_get_serial_sequence('south.users', 'id'), 2);
INSERT INTO south.posts (id, user_id, body) VALUES (1, 2, 'south one'), (2, 2, 'south two');
SELECT setval(pg_get_serial_sequence('south.posts', 'id'), 2);

INSERT INTO north.labels (id, label) VALUES (1, '@cat');
SELECT setval(pg_get_serial_sequence('north.labels', 'id'), 1);

INSERT INTO public.fresh (id, note) VALUES (1, 'first'), (2, 'second');
SELECT setval(pg_get_serial_sequence('public.fresh', 'id'), 2);
