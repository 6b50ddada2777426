-- Parent 0 is the target of every SET DEFAULT.
INSERT INTO parents (id, name) VALUES
    (0, 'default parent'),
    (1, 'alpha'),
    (2, 'beta'),
    (3, 'gamma');

INSERT INTO children (id, name, no_action_parent_id, restrict_parent_id, cascade_parent_id,
                      set_null_parent_id, set_default_parent_id, mixed_parent_id) VALUES
    (1, 'c-one',   1,    1,    1,    1,    1, 1),
    (2, 'c-two',   2,    2,    2,    2,    0, 2),
    (3, 'c-three', NULL, NULL, NULL, NULL, 0, NULL),
    (4, 'c-four',  3,    NULL, 1,    2,    3, NULL);
INSERT INTO children (id, name) VALUES (5, 'c-defaults');
SELECT setval(pg_get_serial_sequence('children', 'id'), 5);

INSERT INTO groups (id, name) VALUES (1, 'everyone'), (2, 'admins');
SELECT setval(pg_get_serial_sequence('groups', 'id'), 2);

INSERT INTO memberships (parent_id, group_id) VALUES
    (0, 1), (1, 1), (2, 1), (1, 2), (3, 2);

INSERT INTO membership_notes (id, parent_id, group_id, note) VALUES
    (1, 1, 2,    'alpha is an admin'),
    (2, 3, NULL, 'gamma, group unknown'),
    (3, 2, 1,    'beta joined');
INSERT INTO membership_notes (id, note) VALUES (4, 'all defaults');
SELECT setval(pg_get_serial_sequence('membership_notes', 'id'), 4);

INSERT INTO membership_audit (id, parent_id, group_id, event) VALUES
    (1, 1, 2, 'alpha promoted'),
    (2, 3, 2, 'gamma promoted');
SELECT setval(pg_get_serial_sequence('membership_audit', 'id'), 2);
