INSERT INTO products (id, legacy_code, name) VALUES
    (1, 9001, 'widget'),
    (2, 9002, 'gadget'),
    (3, 1,    'gizmo');      -- legacy_code 1 collides with products.id 1 on purpose
SELECT setval(pg_get_serial_sequence('products', 'id'), 3);

INSERT INTO legacy_orders (id, product_code, quantity, note) VALUES
    (1, 9001, 2, 'two widgets'),
    (2, 1,    1, 'one gizmo'),
    (3, 9002, 5, NULL);
SELECT setval(pg_get_serial_sequence('legacy_orders', 'id'), 3);

INSERT INTO currencies (code, name) VALUES ('USD', 'US dollar'), ('EUR', 'Euro'), ('JPY', 'Yen');

INSERT INTO prices (id, product_id, currency_code, amount) VALUES
    (1, 1, 'USD', 9.99), (2, 1, 'EUR', 8.99), (3, 2, 'USD', 19.99), (4, 3, 'JPY', 500);
SELECT setval(pg_get_serial_sequence('prices', 'id'), 4);

INSERT INTO api_clients (id, name) VALUES
    ('00000000-0000-4000-8000-000000000001', 'mobile app'),
    ('00000000-0000-4000-8000-000000000002', 'partner');

INSERT INTO api_keys (id, client_id, product_id, key_hash) VALUES
    (1, '00000000-0000-4000-8000-000000000001', NULL, 'hash-mobile'),
    (2, '00000000-0000-4000-8000-000000000002', 2,    'hash-partner');
SELECT setval(pg_get_serial_sequence('api_keys', 'id'), 2);
