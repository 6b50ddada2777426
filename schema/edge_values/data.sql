INSERT INTO accounts (id, region, label) VALUES
    (-5, 'eu', 'suspense'),
    (0, 'eu', 'house'),
    (7, 'us', 'customer seven'),
    (-2147483648, 'us', 'smallest int');

INSERT INTO ledger (id, region, account_id, amount) VALUES
    (1, 'eu', -5, 10.00),
    (2, 'eu', 0, -10.00),
    (3, 'us', 7, 99.99),
    (4, 'us', -2147483648, 0.01),
    (-9223372036854775808, 'eu', -5, 1.00);
SELECT setval(pg_get_serial_sequence('ledger', 'id'), 4);

INSERT INTO transfers (id, from_id, reviewer_id) VALUES (1, 0, NULL), (2, -5, NULL);
SELECT setval(pg_get_serial_sequence('transfers', 'id'), 2);

INSERT INTO scratch (account_id, note) VALUES (0, 'house note'), (NULL, 'loose note');
