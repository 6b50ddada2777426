-- self_reference: writes after the forward migration.

-- A new employee below an existing manager (employees.id has no default before
-- the migration; afterwards it defaults to gen_random_uuid()).
INSERT INTO employees (full_name, title, manager_id, mentor_id)
SELECT 'ks-manager', 'Engineering Manager', m.id, t.id
FROM employees m, employees t
WHERE m.full_name = 'Tom CTO' AND t.full_name = 'Carla CEO';

-- A report of the new employee, mentored by an old one.
INSERT INTO employees (full_name, title, manager_id, mentor_id)
SELECT 'ks-report', 'Developer', m.id, t.id
FROM employees m, employees t
WHERE m.full_name = 'ks-manager' AND t.full_name = 'Dana Dev';

-- An old employee moves under the new manager; another loses his manager.
UPDATE employees
SET manager_id = (SELECT id FROM employees WHERE full_name = 'ks-manager')
WHERE full_name = 'Dev Two';

UPDATE employees SET manager_id = NULL, mentor_id = (SELECT id FROM employees WHERE full_name = 'ks-report')
WHERE full_name = 'Fiona CFO';

-- A new root category that references itself, and a child below it.
INSERT INTO categories (name, sort_key) VALUES ('ks-root', 5);
UPDATE categories SET parent_id = id WHERE name = 'ks-root';

INSERT INTO categories (name, parent_id)
SELECT 'ks-child', id FROM categories WHERE name = 'ks-root';

-- The orphan category is adopted by the new root; 'space opera' moves up a level.
UPDATE categories SET parent_id = (SELECT id FROM categories WHERE name = 'ks-root')
WHERE name = 'orphans';

UPDATE categories SET parent_id = (SELECT id FROM categories WHERE name = 'books')
WHERE name = 'space opera';
