-- shared_id_space: writes after forward, through the uuid keys. A new
-- party is a customer, a vendor and an employee under one uuid; a ledger
-- entry names it; a new organization is a new party.
INSERT INTO customers (name) VALUES ('Fay as customer');
INSERT INTO vendors (id, name) SELECT id, 'Fay as vendor' FROM customers WHERE name = 'Fay as customer';
INSERT INTO employees (id, name) SELECT id, 'Fay as employee' FROM customers WHERE name = 'Fay as customer';
INSERT INTO ledger_entries (ref_key, amount) SELECT id, 42.00 FROM customers WHERE name = 'Fay as customer';
INSERT INTO vendors (name) VALUES ('Ink Co');
INSERT INTO parties (kind) VALUES ('organization');
INSERT INTO organizations (id, legal_name) SELECT id, 'Initech' FROM parties WHERE id NOT IN (SELECT id FROM organizations) AND kind = 'organization';
