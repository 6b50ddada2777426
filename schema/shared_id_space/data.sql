-- Ids from the shared sequence, and ids 100 and 101 that name one party in
-- all three tables (ledger entries hold those).
INSERT INTO customers (name) VALUES ('Ada'), ('Bea');
INSERT INTO vendors (name) VALUES ('Paper Co');
INSERT INTO employees (name) VALUES ('Cy');
INSERT INTO customers (id, name) VALUES (100, 'Dee as customer'), (101, 'Eve as customer');
INSERT INTO vendors (id, name) VALUES (100, 'Dee as vendor'), (101, 'Eve as vendor');
INSERT INTO employees (id, name) VALUES (100, 'Dee as employee'), (101, 'Eve as employee');
SELECT setval('entity_id_seq', 101);
INSERT INTO ledger_entries (ref_key, amount) VALUES (100, 10.00), (101, -5.50), (100, 1.25), (NULL, 0.00);
INSERT INTO invoices (customer_id, total) VALUES (1, 99.00), (100, 12.00);
INSERT INTO parties (kind) VALUES ('person'), ('organization'), ('organization');
INSERT INTO organizations (id, legal_name) VALUES (2, 'Acme Ltd'), (3, 'Globex plc');
