-- domain_keys: writes after forward; the key columns are plain uuid now.
INSERT INTO accounts (id, region_id, name)
SELECT gen_random_uuid(), id, 'new' FROM geo.regions WHERE name = 'south';
INSERT INTO projects (owner_id, backup, title)
SELECT a.id, b.id, 'gamma' FROM accounts a, accounts b WHERE a.name = 'new' AND b.name = 'ten';
