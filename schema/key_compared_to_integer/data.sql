INSERT INTO tenants (id, name) VALUES (1, 'system'), (2, 'acme');
SELECT setval(pg_get_serial_sequence('tenants', 'id'), 2);
