-- unique_reference: writes after the forward migration.
-- products.legacy_code and legacy_orders.product_code are still integers, so
-- literal codes are fine there; products.id is a UUID.

INSERT INTO products (legacy_code, name) VALUES (9100, 'ks-doohickey');

INSERT INTO legacy_orders (product_code, quantity, note)
SELECT legacy_code, 3, 'ks-order' FROM products WHERE name = 'ks-doohickey';

INSERT INTO prices (product_id, currency_code, amount)
SELECT id, 'EUR', 12.34 FROM products WHERE name = 'ks-doohickey';

INSERT INTO api_clients (name) VALUES ('ks-client');
INSERT INTO api_keys (client_id, product_id, key_hash)
SELECT c.id, p.id, 'ks-hash' FROM api_clients c, products p
WHERE c.name = 'ks-client' AND p.name = 'ks-doohickey';

-- ON UPDATE CASCADE through the unique (not primary) key
UPDATE products SET legacy_code = 9102 WHERE name = 'gadget';

UPDATE prices SET product_id = (SELECT id FROM products WHERE name = 'ks-doohickey')
WHERE currency_code = 'JPY';
UPDATE api_keys SET product_id = (SELECT id FROM products WHERE name = 'gizmo')
WHERE key_hash = 'hash-mobile';
