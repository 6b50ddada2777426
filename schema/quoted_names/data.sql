INSERT INTO "UserAccounts" ("userId", "Email", "select") VALUES
    (1, 'Alice@Example.com', 'ua-alice'),
    (2, 'bob@example.com',   'ua-bob');
SELECT setval(pg_get_serial_sequence('"UserAccounts"', 'userId'), 2);

INSERT INTO useraccounts (userid, email) VALUES (1, 'twin-one'), (2, 'twin-two'), (3, 'twin-three');
SELECT setval(pg_get_serial_sequence('useraccounts', 'userid'), 3);

INSERT INTO "user" (id, "UserAccountId", "select") VALUES
    (1, 1,    'user-alice'),
    (2, 2,    'user-bob'),
    (3, NULL, 'user-nobody');

INSERT INTO "order" ("order", "user", "from", "Order Total") VALUES
    (1, 1, 'web',   10.00),
    (2, 1, 'shop',  20.00),
    (3, 2, NULL,    5.50);
SELECT setval(pg_get_serial_sequence('"order"', 'order'), 3);

INSERT INTO "café" ("clé", "nom", "order") VALUES
    (1, 'Flore',       1),
    (2, 'Deux Magots', NULL),
    (3, 'Procope',     3);
SELECT setval(pg_get_serial_sequence('"café"', 'clé'), 3);

INSERT INTO "Ünïcödé" ("ïd", "caféClé", "ñame") VALUES
    (1, 1,    'ñ-one'),
    (2, 1,    'ñ-two'),
    (3, NULL, 'ñ-three');
SELECT setval(pg_get_serial_sequence('"Ünïcödé"', 'ïd'), 3);

INSERT INTO "weird""name" ("id""x", "ref.id", "user id", "owner's id", label) VALUES
    (1, 1,    1,    2,    'weird-one'),
    (2, NULL, 2,    NULL, 'weird-two'),
    (3, 3,    NULL, 1,    'weird-three');
SELECT setval(pg_get_serial_sequence('"weird""name"', 'id"x'), 3);

INSERT INTO "Bob's Table" (id, "weird""ref", "Price$", note) VALUES
    (1, 1,    9.99, 'bob-one'),
    (2, 3,    NULL, 'bob-two'),
    (3, NULL, 1.00, 'bob-three');
SELECT setval(pg_get_serial_sequence('"Bob''s Table"', 'id'), 3);
