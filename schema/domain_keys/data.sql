INSERT INTO geo.regions VALUES (1, 'north'), (2, 'south');
INSERT INTO accounts VALUES (10, 1, 'ten'), (20, 2, 'twenty'), (30, NULL, 'thirty');
INSERT INTO projects (id, owner_id, backup, title) VALUES (1, 10, 20, 'alpha'), (2, 30, NULL, 'beta');
SELECT setval(pg_get_serial_sequence('projects', 'id'), 2);
