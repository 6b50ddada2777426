-- identity_and_serial: writes after the forward migration; every key defaults to a UUID now.

INSERT INTO t_serial (label) VALUES ('ks-serial');
INSERT INTO t_bigserial (label) VALUES ('ks-bigserial');
INSERT INTO t_smallserial (label) VALUES ('ks-smallserial');
INSERT INTO t_identity_always (label) VALUES ('ks-always');
INSERT INTO t_identity_default (label) VALUES ('ks-default');
INSERT INTO t_manual_seq (label) VALUES ('ks-manual');
INSERT INTO t_shared_seq (label) VALUES ('ks-shared');

INSERT INTO links (note, serial_id, bigserial_id, smallserial_id, always_id, default_id, manual_id, shared_id)
SELECT 'ks-link-new',
       (SELECT id FROM t_serial WHERE label = 'ks-serial'),
       (SELECT id FROM t_bigserial WHERE label = 'ks-bigserial'),
       (SELECT id FROM t_smallserial WHERE label = 'ks-smallserial'),
       (SELECT id FROM t_identity_always WHERE label = 'ks-always'),
       (SELECT id FROM t_identity_default WHERE label = 'ks-default'),
       (SELECT id FROM t_manual_seq WHERE label = 'ks-manual'),
       (SELECT id FROM t_shared_seq WHERE label = 'ks-shared');

INSERT INTO links (note, serial_id, bigserial_id, smallserial_id, always_id, default_id, manual_id, shared_id)
SELECT 'ks-link-old',
       (SELECT id FROM t_serial WHERE label = 'serial forty-two'),
       (SELECT id FROM t_bigserial WHERE label = 'big one'),
       (SELECT id FROM t_smallserial WHERE label = 'small one'),
       (SELECT id FROM t_identity_always WHERE label = 'always fifty'),
       (SELECT id FROM t_identity_default WHERE label = 'default explicit 7'),
       (SELECT id FROM t_manual_seq WHERE label = 'manual 510'),
       (SELECT id FROM t_shared_seq WHERE label = 'shared 530');

UPDATE links SET
    serial_id      = (SELECT id FROM t_serial WHERE label = 'ks-serial'),
    smallserial_id = (SELECT id FROM t_smallserial WHERE label = 'ks-smallserial'),
    default_id     = (SELECT id FROM t_identity_default WHERE label = 'ks-default'),
    shared_id      = (SELECT id FROM t_shared_seq WHERE label = 'ks-shared')
WHERE note = 'link nothing';
