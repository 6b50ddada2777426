-- Rows take their keys from the sequences; the sequences end at non-trivial values.

-- serial: 1, 2, 3, then a jump to 42, 43; finally the sequence is set to hand out 60
-- next (is_called = false).
INSERT INTO t_serial (label) VALUES ('serial one'), ('serial two'), ('serial three');
SELECT setval(pg_get_serial_sequence('t_serial', 'id'), 41);
INSERT INTO t_serial (label) VALUES ('serial forty-two'), ('serial forty-three');
SELECT setval(pg_get_serial_sequence('t_serial', 'id'), 60, false);

-- bigserial: keys beyond the integer range.
SELECT setval(pg_get_serial_sequence('t_bigserial', 'id'), 9000000000);
INSERT INTO t_bigserial (label) VALUES ('big one'), ('big two');

-- smallserial: near the top of the smallint range.
INSERT INTO t_smallserial (label) VALUES ('small one');
SELECT setval(pg_get_serial_sequence('t_smallserial', 'id'), 32000);
INSERT INTO t_smallserial (label) VALUES ('small 32001'), ('small 32002');

-- identity ALWAYS: 1, 2, 3, then RESTART at 50: 50, 51.
INSERT INTO t_identity_always (label) VALUES ('always one'), ('always two'), ('always three');
ALTER TABLE t_identity_always ALTER COLUMN id RESTART WITH 50;
INSERT INTO t_identity_always (label) VALUES ('always fifty'), ('always fifty-one');

-- identity BY DEFAULT from 1000 step 5: 1000, 1005, 1010, plus an explicit 7.
INSERT INTO t_identity_default (label) VALUES ('default 1000'), ('default 1005'), ('default 1010');
INSERT INTO t_identity_default (id, label) VALUES (7, 'default explicit 7');

-- the hand-made sequence, shared by two tables: 500, 510, 520 / 530, 540; then two values burnt.
INSERT INTO t_manual_seq (label) VALUES ('manual 500'), ('manual 510'), ('manual 520');
INSERT INTO t_shared_seq (label) VALUES ('shared 530'), ('shared 540');
SELECT nextval('manual_ids'), nextval('manual_ids');

INSERT INTO links (id, note, serial_id, bigserial_id, smallserial_id, always_id, default_id, manual_id, shared_id) VALUES
    (1, 'link all',     1,    9000000001, 1,     1,    1000, 500,  530),
    (2, 'link high',    43,   9000000002, 32002, 51,   1010, 520,  540),
    (3, 'link sparse',  NULL, NULL,       32001, NULL, 7,    NULL, NULL),
    (4, 'link nothing', NULL, NULL,       NULL,  NULL, NULL, NULL, NULL);
SELECT setval(pg_get_serial_sequence('links', 'id'), 4);
