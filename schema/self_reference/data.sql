-- A management chain four levels deep: ceo (-1) > cto (0) > lead (7) > devs (12, 13).
INSERT INTO employees (id, full_name, title, manager_id, mentor_id, hired_on) VALUES
    (-1, 'Carla CEO',   'Chief Executive',     NULL, NULL, '2010-01-01'),
    (0,  'Tom CTO',     'Chief Technology',    -1,   NULL, '2011-02-01'),
    (3,  'Fiona CFO',   'Chief Financial',     -1,   -1,   '2012-03-01'),
    (7,  'Leo Lead',    'Engineering Lead',    0,    -1,   '2015-04-01'),
    (12, 'Dana Dev',    'Developer',           7,    0,    '2020-05-01'),
    (13, 'Dev Two',     'Developer',           7,    12,   '2021-06-01'),
    (20, 'Contractor',  'Contractor',          NULL, NULL, '2022-07-01');

-- The root category references itself; children hang below it.
INSERT INTO categories (id, name, parent_id, sort_key) VALUES
    (1, 'root',        NULL, 0),
    (2, 'books',       1,    1),
    (3, 'music',       1,    2),
    (4, 'sci-fi',      2,    1),
    (5, 'space opera', 4,    1),
    (6, 'orphans',     NULL, 9);
UPDATE categories SET parent_id = id WHERE name = 'root';
SELECT setval(pg_get_serial_sequence('categories', 'id'), 6);
