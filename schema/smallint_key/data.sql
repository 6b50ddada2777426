INSERT INTO sizes (id, label) VALUES (-1, 'n/a'), (1, 'S'), (2, 'M'), (3, 'L'), (255, 'XXXL');

INSERT INTO colors (id, name, hex) VALUES (1, 'red', '#ff0000'), (2, 'green', '#00ff00'), (3, 'blue', NULL);
SELECT setval(pg_get_serial_sequence('colors', 'id'), 3);

INSERT INTO variants (id, sku, size_id, color_id) VALUES
    (1, 'TS-S-RED',  1,     1),
    (2, 'TS-M-RED',  2,     1),
    (3, 'TS-L',      3,     NULL),
    (4, 'TS-XXXL-B', 255, 3),
    (5, 'GIFTCARD',  -1,    NULL);
SELECT setval(pg_get_serial_sequence('variants', 'id'), 5);

INSERT INTO legacy_stock (id, size_id, color_id, quantity) VALUES
    (1, 1, 1, 10), (2, 2, NULL, 0), (3, 255, 2, 1);
SELECT setval(pg_get_serial_sequence('legacy_stock', 'id'), 3);
