INSERT INTO users (id, handle) VALUES (1, 'ann'), (2, 'ben'), (3, 'cat');
SELECT setval(pg_get_serial_sequence('users', 'id'), 3);

INSERT INTO projects (id, name, owner_id) VALUES (1, 'core', 1), (2, 'web', 2);
SELECT setval(pg_get_serial_sequence('projects', 'id'), 2);

INSERT INTO tickets (id, project_id, reporter_id, assignee_id, title, status, priority) VALUES
    (1, 1, 1, 2,    'crash on start',   'open',   1),
    (2, 1, 2, NULL, 'typo in docs',     'closed', 5),
    (3, 1, 2, 2,    'self-assigned',    'open',   3),
    (4, 2, 3, 1,    'button misplaced', 'open',   2),
    (5, 2, 3, NULL, 'idea',             'draft',  4),
    (6, 1, 3, NULL, 'another idea',     'draft',  4);
SELECT setval(pg_get_serial_sequence('tickets', 'id'), 6);

INSERT INTO user_emails (id, user_id, email, is_primary) VALUES
    (1, 1, 'ann@example.com',   true),
    (2, 1, 'ann@work.example',  false),
    (3, 2, 'ben@example.com',   true),
    (4, 3, 'cat@example.com',   false);
SELECT setval(pg_get_serial_sequence('user_emails', 'id'), 4);
