INSERT INTO users (id, name, is_system) VALUES (1, 'system', true), (2, 'ann', false), (3, 'ben', false);
SELECT setval(pg_get_serial_sequence('users', 'id'), 3);

INSERT INTO ticket_kinds (id, name) VALUES (1, 'question'), (2, 'bug'), (3, 'incident'), (4, 'outage');
SELECT setval(pg_get_serial_sequence('ticket_kinds', 'id'), 4);

INSERT INTO tickets (id, kind_id, reporter_id, assignee_id, priority, title) VALUES
    (1, 2, 2, 3, 1, 'crash on start'),
    (2, 1, 3, NULL, NULL, 'how do I log in'),
    (3, 3, 1, 2, NULL, 'disk full'),
    (4, 2, 3, 2, 2, 'typo');
SELECT setval(pg_get_serial_sequence('tickets', 'id'), 4);

INSERT INTO categories (id, parent_id, name) VALUES (1, NULL, 'books'), (2, 1, 'poetry'), (3, NULL, 'music'), (4, 3, 'poetry');
SELECT setval(pg_get_serial_sequence('categories', 'id'), 4);
