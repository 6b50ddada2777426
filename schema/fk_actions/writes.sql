-- fk_actions: writes after the forward migration. Every action fires on UUID keys.
-- parents.id has no default before the migration; afterwards it defaults to a UUID.

INSERT INTO parents (name) VALUES ('ks-doomed'), ('ks-moved'), ('ks-keeper');
INSERT INTO groups (name) VALUES ('ks-group');

INSERT INTO children (name, cascade_parent_id, set_default_parent_id)
SELECT 'ks-cascade-victim', d.id, k.id FROM parents d, parents k
WHERE d.name = 'ks-doomed' AND k.name = 'ks-keeper';

INSERT INTO children (name, no_action_parent_id, restrict_parent_id, cascade_parent_id,
                      set_null_parent_id, set_default_parent_id, mixed_parent_id)
SELECT 'ks-orphan', k.id, k.id, k.id, d.id, d.id, d.id FROM parents d, parents k
WHERE d.name = 'ks-doomed' AND k.name = 'ks-keeper';

INSERT INTO children (name, cascade_parent_id, set_null_parent_id, set_default_parent_id, mixed_parent_id)
SELECT 'ks-follower', id, id, id, id FROM parents WHERE name = 'ks-moved';

-- A child that takes every default: set_default_parent_id must default to parent 0.
INSERT INTO children (name) VALUES ('ks-defaults');

-- ON DELETE: CASCADE removes ks-cascade-victim; SET NULL and SET DEFAULT rewrite ks-orphan.
DELETE FROM parents WHERE name = 'ks-doomed';

-- ON UPDATE: CASCADE follows the new key, SET NULL clears, SET DEFAULT goes to parent 0.
UPDATE parents SET id = gen_random_uuid() WHERE name = 'ks-moved';

-- RESTRICT and NO ACTION still refuse.
DO $$
BEGIN
    DELETE FROM parents WHERE name = 'ks-keeper';
    RAISE EXCEPTION 'ks: deleting a RESTRICT/NO ACTION parent succeeded';
EXCEPTION WHEN foreign_key_violation THEN
    NULL;
END $$;

DO $$
BEGIN
    UPDATE parents SET id = gen_random_uuid() WHERE name = 'ks-keeper';
    RAISE EXCEPTION 'ks: updating a RESTRICT/NO ACTION parent key succeeded';
EXCEPTION WHEN foreign_key_violation THEN
    NULL;
END $$;

-- Composite FKs with SET NULL / SET DEFAULT.
INSERT INTO memberships (parent_id, group_id)
SELECT p.id, g.id FROM parents p, groups g WHERE p.name = 'ks-keeper' AND g.name = 'ks-group';
INSERT INTO memberships (parent_id, group_id)
SELECT p.id, g.id FROM parents p, groups g WHERE p.name = 'ks-keeper' AND g.name = 'everyone';

INSERT INTO membership_notes (parent_id, group_id, note)
SELECT m.parent_id, m.group_id, 'ks-note'
FROM memberships m JOIN parents p ON p.id = m.parent_id JOIN groups g ON g.id = m.group_id
WHERE p.name = 'ks-keeper' AND g.name = 'ks-group';

INSERT INTO membership_audit (parent_id, group_id, event)
SELECT m.parent_id, m.group_id, 'ks-audit'
FROM memberships m JOIN parents p ON p.id = m.parent_id JOIN groups g ON g.id = m.group_id
WHERE p.name = 'ks-keeper' AND g.name = 'ks-group';

-- A note that takes both defaults: (parent 0, group 1).
INSERT INTO membership_notes (note) VALUES ('ks-default-note');

-- SET NULL clears both columns of ks-note; SET DEFAULT moves ks-audit to (parent 0, group 1).
DELETE FROM memberships
WHERE parent_id = (SELECT id FROM parents WHERE name = 'ks-keeper')
  AND group_id = (SELECT id FROM groups WHERE name = 'ks-group');
